import { describe, expect, it } from "vitest";
import { parseAnsi, stripAnsi } from "../../app/lib/ansi";

const ESC = "\u001b";

describe("parseAnsi", () => {
  it("returns plain text as one unstyled span", () => {
    expect(parseAnsi("Installing dependencies…")).toEqual([{ text: "Installing dependencies…", color: null, bold: false }]);
  });

  it("returns no spans for an empty line", () => {
    expect(parseAnsi("")).toEqual([]);
  });

  it("colours text with the 30–37 foreground codes and resets with 0", () => {
    expect(parseAnsi(`${ESC}[32mok${ESC}[0m done`)).toEqual([
      { text: "ok", color: "green", bold: false },
      { text: " done", color: null, bold: false },
    ]);
  });

  it("knows the bright 90–97 colours", () => {
    expect(parseAnsi(`${ESC}[90mgrey${ESC}[97mwhite`)).toEqual([
      { text: "grey", color: "brightBlack", bold: false },
      { text: "white", color: "brightWhite", bold: false },
    ]);
  });

  it("combines bold and colour in one sequence, and 22/39 undo them separately", () => {
    expect(parseAnsi(`${ESC}[1;31merror${ESC}[22m still red${ESC}[39m plain`)).toEqual([
      { text: "error", color: "red", bold: true },
      { text: " still red", color: "red", bold: false },
      { text: " plain", color: null, bold: false },
    ]);
  });

  it("treats an empty SGR (ESC[m) as a reset", () => {
    expect(parseAnsi(`${ESC}[1;33mwarn${ESC}[m after`)).toEqual([
      { text: "warn", color: "yellow", bold: true },
      { text: " after", color: null, bold: false },
    ]);
  });

  it("skips 256-colour and truecolour arguments instead of reading them as codes", () => {
    // 38;5;1 and 38;2;31;1;0 must not turn into red or bold.
    expect(parseAnsi(`${ESC}[38;5;1ma${ESC}[38;2;31;1;0mb`)).toEqual([{ text: "ab", color: null, bold: false }]);
  });

  it("ignores backgrounds and other attributes but keeps the text", () => {
    expect(parseAnsi(`${ESC}[41;4mx${ESC}[0m`)).toEqual([{ text: "x", color: null, bold: false }]);
  });

  it("strips cursor movement, erase, OSC titles and hyperlinks, and private modes", () => {
    const line = `${ESC}[2K${ESC}[1G${ESC}]0;title\u0007${ESC}[?25l${ESC}]8;;https://x.test${ESC}\\link${ESC}]8;;${ESC}\\${ESC}[?25h text`;
    expect(stripAnsi(line)).toBe("link text");
  });

  it("strips lone escapes, C1 CSI and other control characters but keeps tabs", () => {
    expect(stripAnsi(`a${ESC}7b\u009b31mc\u0000d\u0008\te`)).toBe("abcd\te");
  });

  it("shows only the last redraw of a carriage-return progress line", () => {
    expect(stripAnsi("progress 10%\rprogress 50%\rprogress 100%")).toBe("progress 100%");
    expect(stripAnsi("done\r\n".trimEnd())).toBe("done");
    expect(stripAnsi("done\r")).toBe("done");
  });

  it("keeps markup as literal text: a <script> in a log line stays text", () => {
    const spans = parseAnsi(`${ESC}[31m<script>alert("x")</script>${ESC}[0m<img src=x onerror=alert(1)>`);
    expect(spans).toEqual([
      { text: '<script>alert("x")</script>', color: "red", bold: false },
      { text: "<img src=x onerror=alert(1)>", color: null, bold: false },
    ]);
  });

  it("does not leak an unterminated sequence into the text", () => {
    expect(stripAnsi(`tail${ESC}[`)).toBe("tail");
    expect(stripAnsi(`tail${ESC}`)).toBe("tail");
  });
});

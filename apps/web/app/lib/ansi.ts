// Build output arrives with terminal escape sequences (npm, vite and friends
// colour their output). The log viewer shows the colours and nothing else:
// SGR foreground colours (30–37, 90–97), bold and the resets are kept as span
// styles; every other escape sequence (cursor movement, OSC titles and
// hyperlinks, 256-colour and truecolour arguments, backgrounds) is dropped.
// The result is plain text plus styles: it is rendered as React text nodes,
// never as HTML.

export type AnsiColor =
  | "black"
  | "red"
  | "green"
  | "yellow"
  | "blue"
  | "magenta"
  | "cyan"
  | "white"
  | "brightBlack"
  | "brightRed"
  | "brightGreen"
  | "brightYellow"
  | "brightBlue"
  | "brightMagenta"
  | "brightCyan"
  | "brightWhite";

export interface AnsiSpan {
  text: string;
  color: AnsiColor | null;
  bold: boolean;
}

const BASE_COLORS: AnsiColor[] = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];
const BRIGHT_COLORS: AnsiColor[] = [
  "brightBlack",
  "brightRed",
  "brightGreen",
  "brightYellow",
  "brightBlue",
  "brightMagenta",
  "brightCyan",
  "brightWhite",
];

interface Style {
  color: AnsiColor | null;
  bold: boolean;
}

/** Applies one SGR parameter list ("1;31", "0", "" = reset) to a style. */
function applySgr(style: Style, params: string): Style {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((part) => (part === "" ? 0 : Number(part)));
  let { color, bold } = style;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) {
      color = null;
      bold = false;
    } else if (code === 1) {
      bold = true;
    } else if (code === 22) {
      bold = false;
    } else if (code >= 30 && code <= 37) {
      color = BASE_COLORS[code - 30]!;
    } else if (code >= 90 && code <= 97) {
      color = BRIGHT_COLORS[code - 90]!;
    } else if (code === 39) {
      color = null;
    } else if (code === 38 || code === 48 || code === 58) {
      // Extended colours carry their own arguments; skip them so a "31" or
      // "1" inside "38;2;31;1;0" is not read as a code. Not rendered.
      const mode = codes[i + 1];
      i += mode === 5 ? 2 : mode === 2 ? 4 : 1;
    }
    // Anything else (italic, underline, backgrounds, …) is not shown.
  }
  return { color, bold };
}

/**
 * What a terminal would show for a line that redraws itself with carriage
 * returns (progress bars): the text after the last one that is not at the end.
 */
function lastRedraw(line: string): string {
  const trimmed = line.endsWith("\r") ? line.replace(/\r+$/, "") : line;
  const cut = trimmed.lastIndexOf("\r");
  return cut < 0 ? trimmed : trimmed.slice(cut + 1);
}

// ESC [ params intermediates final | ESC ] … (BEL | ESC \) | ESC P/X/^/_ … ESC \ | ESC + one character.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b(?:\[([0-9;:?<=>]*)[ -/]*([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[\s\S]?)|\u009b([0-9;:?<=>]*)[ -/]*([@-~])/g;
// Other C0/C1 controls (but not tab) would show as boxes or do nothing useful.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** Splits one log line into styled runs of text; escape sequences never reach the text. */
export function parseAnsi(input: string): AnsiSpan[] {
  const line = lastRedraw(input);
  const spans: AnsiSpan[] = [];
  let style: Style = { color: null, bold: false };

  const push = (raw: string) => {
    const text = raw.replace(CONTROL, "");
    if (!text) return;
    const last = spans.at(-1);
    if (last && last.color === style.color && last.bold === style.bold) last.text += text;
    else spans.push({ text, color: style.color, bold: style.bold });
  };

  let position = 0;
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(line); match; match = ESCAPE.exec(line)) {
    push(line.slice(position, match.index));
    position = match.index + match[0].length;
    const params = match[1] ?? match[3];
    const final = match[2] ?? match[4];
    if (final === "m" && params !== undefined && !/[?<=>]/.test(params)) style = applySgr(style, params);
  }
  push(line.slice(position));
  return spans;
}

/** The line as plain text (copying, searching, screen readers). */
export function stripAnsi(input: string): string {
  return parseAnsi(input)
    .map((span) => span.text)
    .join("");
}

/** Tailwind classes per colour, readable on the log viewer's dark background. */
export const ANSI_COLOR_CLASSES: Record<AnsiColor, string> = {
  black: "text-zinc-500",
  red: "text-red-400",
  green: "text-emerald-400",
  yellow: "text-amber-300",
  blue: "text-sky-400",
  magenta: "text-fuchsia-400",
  cyan: "text-cyan-300",
  white: "text-zinc-200",
  brightBlack: "text-zinc-400",
  brightRed: "text-red-300",
  brightGreen: "text-emerald-300",
  brightYellow: "text-yellow-200",
  brightBlue: "text-sky-300",
  brightMagenta: "text-fuchsia-300",
  brightCyan: "text-cyan-200",
  brightWhite: "text-white",
};

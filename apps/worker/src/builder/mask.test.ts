import { describe, expect, it } from "vitest";
import { createMasker, maskLine, urlSecrets } from "./mask.js";

describe("maskLine", () => {
  it("replaces env var values of 4 characters or more", () => {
    expect(maskLine("token=s3cr3t-value and s3cr3t-value", ["s3cr3t-value"])).toBe("token=*** and ***");
    expect(maskLine("a abc b", ["abc"])).toBe("a abc b");
    expect(maskLine("key abcdef", ["abcd", "abcdef"])).toBe("key ***");
  });

  it("hides each line of a multi-line value, as a build prints it line by line", () => {
    const key = "-----BEGIN KEY-----\nabcdEFGH1234\r\nxyz\n-----END KEY-----";
    const mask = createMasker([key]);
    expect(mask("-----BEGIN KEY-----")).toBe("***");
    expect(mask("key: abcdEFGH1234")).toBe("key: ***");
    expect(mask("  -----END KEY----- ")).toBe("  *** ");
    // Lines under 4 characters stay, like short values; the whole value is still hidden in one message.
    expect(mask("xyz")).toBe("xyz");
    expect(mask(`env ${key}`)).toBe("env ***");
    // A lone value with a trailing "\r" is printed without it.
    expect(maskLine("pw hunter22", ["hunter22\r"])).toBe("pw ***");
  });

  it("masks the longest secret first, even when it is a line of a multi-line value", () => {
    // "abcd" inside the line "abcdEFGH1234" must not leave "EFGH1234" in the clear.
    expect(maskLine("key abcdEFGH1234", ["abcd", "-----BEGIN-----\nabcdEFGH1234"])).toBe("key ***");
    expect(maskLine("key abcdEFGH1234", ["-----BEGIN-----\nabcdEFGH1234", "abcd"])).toBe("key ***");
  });

  it("leaves nothing of two secrets that overlap or touch in a line", () => {
    expect(maskLine("x abcdefghi y", ["abcdef", "defghi"])).toBe("x *** y");
    expect(maskLine("x abcdefghi y", ["defghi", "abcdef"])).toBe("x *** y");
    expect(maskLine("abcdwxyz", ["abcd", "wxyz"])).toBe("***");
    expect(maskLine("aaaaa", ["aaaa"])).toBe("***");
    expect(maskLine("s3cr3t and s3cr3t, then other", ["s3cr3t", "other"])).toBe("*** and ***, then ***");
  });

  it("hides URL credentials", () => {
    expect(maskLine("Cloning https://user:tok3n@github.com/a/b.git", [])).toBe("Cloning https://***@github.com/a/b.git");
    expect(maskLine("fetch https://ghp_abc@github.com/x", [])).toBe("fetch https://***@github.com/x");
    expect(maskLine("see https://github.com/a@b", [])).toBe("see https://github.com/a@b");
  });

  it("is reusable", () => {
    const mask = createMasker(["hunter22"]);
    expect(mask("pw hunter22")).toBe("pw ***");
    expect(mask("nothing")).toBe("nothing");
  });

  it("hides a clone URL's token wherever it appears, not only inside the URL", () => {
    const mask = createMasker(["short", ...urlSecrets("https://x-access-token:ghs_T0ken%2Bplus@github.com/a/b.git")]);
    expect(mask("remote: invalid credentials ghs_T0ken+plus for a/b")).toBe("remote: invalid credentials *** for a/b");
    expect(mask("raw ghs_T0ken%2Bplus")).toBe("raw ***");
    expect(urlSecrets("file:///tmp/repo")).toEqual([]);
    expect(urlSecrets("not a url")).toEqual([]);
  });
});

describe("maskLine on hostile lines", () => {
  // 300 lines of 65,000 characters: the old masker took about 4 s per line
  // (a backtracking URL regex over "aaaa…"), i.e. 20 minutes in all.
  const LINE = 65_000;
  const cases: [name: string, secrets: string[], line: string, masked: string][] = [
    ["a run of a secret's first characters", ["aaab"], "a".repeat(LINE), "a".repeat(LINE)],
    ["a secret that overlaps itself everywhere", ["aaaa"], "a".repeat(LINE), "***"],
    ["a secret at the end of a long near-miss", ["aaaaaaaaab"], `${"a".repeat(LINE - 10)}aaaaaaaaab`, "a".repeat(LINE - 10) + "***"],
    ["schemes without credentials", [], "https://".repeat(LINE / 8), "https://".repeat(LINE / 8)],
    ["schemes with a colon and no @", [], "https://a:".repeat(LINE / 10), "https://a:".repeat(LINE / 10)],
    ["a scheme-like run", [], "x".repeat(LINE) + "://u:p@h", `${"x".repeat(LINE)}://***@h`],
    ["credentials over and over", [], "https://u:p@h/".repeat(LINE / 14), "https://***@h/".repeat(LINE / 14)],
  ];

  it.each(cases)("masks %s in time linear in the line", (_name, secrets, line, masked) => {
    const cost = { steps: 0 };
    const mask = createMasker([...secrets, ...Array.from({ length: 20 }, (_, i) => `secret-value-${i}-xyz`)], cost);
    expect(mask(line)).toBe(masked);
    // Aho–Corasick makes at most 2 moves a character, the URL scan reads each about once more.
    expect(cost.steps).toBeLessThanOrEqual(4 * line.length);
  });

  it("masks 300 lines of 65,000 characters well under a second", () => {
    const mask = createMasker(["aaab", "aaaaaaaaaaaaaaaab", ...Array.from({ length: 50 }, (_, i) => `secret-value-${i}-xyz`)]);
    const line = "a".repeat(LINE);
    const started = performance.now();
    for (let i = 0; i < 300; i++) expect(mask(line)).toBe(line);
    // A generous bound (about 0.3 s here); the step counts above are the real proof.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("maskLine and encoded secrets", () => {
  const secret = "s3cr3t-T0ken?with>chars&=é~~"; // base64 with "+" and padding
  const mask = createMasker([secret]);
  const bytes = Buffer.from(secret);

  it("masks base64, standard and URL-safe, with and without padding", () => {
    const base64 = bytes.toString("base64");
    expect(base64).toMatch(/[+/].*=$/);
    expect(mask(`auth ${base64} end`)).toBe("auth *** end");
    expect(mask(`auth ${base64.replace(/=+$/, "")} end`)).toBe("auth *** end");
    expect(mask(`auth ${bytes.toString("base64url")} end`)).toBe("auth *** end");
    expect(mask(`auth ${bytes.toString("base64url")}= end`)).toBe("auth *** end");
  });

  it("masks the secret's base64 inside longer base64 text, at each of the three alignments", () => {
    for (const before of ["", "u", "us", "use", "user:"]) {
      for (const after of ["", "!", "!!", "!!!"]) {
        const encoded = Buffer.from(`${before}${secret}${after}`).toString("base64");
        const masked = mask(`Authorization: Basic ${encoded}`);
        expect(masked).toContain("***");
        // What stays is at most the two characters at each end that mix in the neighbouring bytes.
        const left = masked.slice("Authorization: Basic ".length);
        const [head, tail] = left.split("***") as [string, string];
        expect(head.length).toBeLessThanOrEqual(Math.ceil((before.length * 8) / 6) + 1);
        expect(tail.length).toBeLessThanOrEqual(Math.ceil(((after.length + 1) * 8) / 6) + 2);
        expect(Buffer.from(`${head}A`, "base64").toString("latin1")).not.toContain(secret.slice(0, 4));
      }
    }
  });

  it("masks URL-encoded, JSON-escaped and hex forms", () => {
    expect(mask(`?token=${encodeURIComponent(secret)}&x=1`)).toBe("?token=***&x=1");
    expect(mask(`{"token":${JSON.stringify(secret)}}`)).toBe('{"token":"***"}');
    expect(mask(`hex ${bytes.toString("hex")}`)).toBe("hex ***");
    expect(mask(`HEX ${bytes.toString("hex").toUpperCase()}`)).toBe("HEX ***");
  });

  it("masks a multi-line value JSON-escaped on one line", () => {
    const key = "-----BEGIN KEY-----\nabcdEFGH1234\n-----END KEY-----";
    expect(createMasker([key])(`{"key":${JSON.stringify(key)}}`)).toBe('{"key":"***"}');
  });

  it("leaves encodings of short secrets alone: they would match random text", () => {
    const short = "abc1234"; // under 8 characters
    expect(createMasker([short])(`b64 ${Buffer.from(short).toString("base64")}`)).toBe(`b64 ${Buffer.from(short).toString("base64")}`);
    expect(createMasker([short])(`plain ${short}`)).toBe("plain ***");
  });
});

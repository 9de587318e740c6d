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

import { describe, expect, it } from "vitest";
import { createMasker, maskLine, urlSecrets } from "./mask.js";

describe("maskLine", () => {
  it("replaces env var values of 4 characters or more", () => {
    expect(maskLine("token=s3cr3t-value and s3cr3t-value", ["s3cr3t-value"])).toBe("token=*** and ***");
    expect(maskLine("a abc b", ["abc"])).toBe("a abc b");
    expect(maskLine("key abcdef", ["abcd", "abcdef"])).toBe("key ***");
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

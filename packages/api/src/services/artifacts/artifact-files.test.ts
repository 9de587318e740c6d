import { describe, expect, it } from "vitest";
import { acceptedVariants, isArtifactKey, manifestEntry, normaliseArtifactPath, uploadSummary } from "./artifact-files.js";

describe("artifact files", () => {
  it("normalises paths and refuses those that escape the artifact", () => {
    expect(normaliseArtifactPath("a/./b/../c.html")).toBe("a/c.html");
    expect(normaliseArtifactPath("../etc/passwd")).toBe("etc/passwd");
    expect(normaliseArtifactPath("a\\..\\b")).toBeNull();
    expect(normaliseArtifactPath("a\0b")).toBeNull();
    expect(normaliseArtifactPath("dir/")).toBeNull();
    expect(normaliseArtifactPath("")).toBeNull();
  });

  it("accepts deployment ids as keys and nothing that could leave the prefix", () => {
    expect(isArtifactKey("cm1abcdef0000")).toBe(true);
    expect(isArtifactKey("dep_1-x.y")).toBe(true);
    for (const key of ["", ".", "..", "../x", "a/b", ".hidden", "x".repeat(129)]) expect(isArtifactKey(key)).toBe(false);
  });

  it("reads manifests without inherited properties and orders variants by the client's preference", () => {
    const entry = { size: 10, etag: "e", encodings: ["br" as const, "gzip" as const] };
    expect(manifestEntry({ "a.js": entry }, "a.js")).toBe(entry);
    expect(manifestEntry({}, "constructor")).toBeUndefined();
    expect(acceptedVariants(entry, ["gzip", "br"])).toEqual(["gzip", "br"]);
    expect(acceptedVariants({ ...entry, encodings: ["gzip"] }, ["br"])).toEqual([]);
    expect(uploadSummary({ "a.js": entry, "b.js": { ...entry, size: 5 } })).toEqual({ files: 2, bytes: 15 });
  });
});

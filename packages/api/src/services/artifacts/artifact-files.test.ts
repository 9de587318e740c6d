import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptedVariants, isArtifactKey, manifestEntry, normaliseArtifactPath, prepareFiles, uploadSummary } from "./artifact-files.js";

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

describe("precompressing a build's files", () => {
  it("happens off the event loop: a timer due meanwhile fires before a large bundle's variants are ready", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "autostack-compress-"));
    try {
      // 6 MB of compressible but not trivial JavaScript: brotli at quality 9 takes a while on it.
      const words = Array.from({ length: 4096 }, () => randomBytes(6).toString("hex"));
      const bundle = Buffer.from(Array.from({ length: 400_000 }, (_, i) => `var ${words[i % 4096]}${i}=${i};`).join("\n"));
      await writeFile(path.join(dir, "bundle.js"), bundle);
      let timerFiredAt = Infinity;
      const started = performance.now();
      const timer = setTimeout(() => (timerFiredAt = performance.now()), 20);
      const files = [];
      for await (const file of prepareFiles(dir)) files.push(file);
      const doneAt = performance.now();
      clearTimeout(timer);
      expect(doneAt - started, "compression must take long enough for the check to mean something").toBeGreaterThan(100);
      expect(timerFiredAt).toBeLessThan(doneAt);
      const [file] = files;
      expect(file!.entry.encodings).toEqual(["br", "gzip"]);
      expect(brotliDecompressSync(file!.variants[0]!.body).equals(bundle)).toBe(true);
      expect(gunzipSync(file!.variants[1]!.body).equals(bundle)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

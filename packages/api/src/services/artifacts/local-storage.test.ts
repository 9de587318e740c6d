import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLocalArtifactStorage } from "./local-storage.js";

// What local storage does beyond the ArtifactStorage contract, which
// s3-storage.test.ts checks against both implementations.

describe("local artifact storage", () => {
  let dir: string;
  let source: string;
  let root: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "autostack-storage-"));
    source = path.join(dir, "site");
    root = path.join(dir, "artifacts");
    await mkdir(path.join(source, "about"), { recursive: true });
    await writeFile(path.join(source, "index.html"), `<html>${"hello world ".repeat(200)}</html>`);
    await writeFile(path.join(source, "about", "index.html"), "<p>small</p>");
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps each artifact as a directory with its manifest and variants", async () => {
    const storage = createLocalArtifactStorage(root);
    await storage.uploadDirectory("dep1", source);
    expect((await readdir(path.join(root, "dep1"))).sort()).toEqual(["files", "manifest.json"]);
    expect((await readdir(path.join(root, "dep1", "files"))).sort()).toEqual(["about", "index.html", "index.html.br", "index.html.gz"]);
    const manifest = JSON.parse(await readFile(path.join(root, "dep1", "manifest.json"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(manifest).sort()).toEqual(["about/index.html", "index.html"]);
  });

  it("leaves no temporary directory behind, whether an upload succeeds or fails", async () => {
    const storage = createLocalArtifactStorage(root);
    await storage.uploadDirectory("dep1", source);
    await expect(storage.uploadDirectory("dep2", path.join(dir, "missing"))).rejects.toThrow(/ENOENT/);
    expect(await readdir(root)).toEqual(["dep1"]);
    expect(await storage.readFile("dep2", "index.html", [])).toBeNull();
  });

  describe("parsed manifests", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });
    const manifestParses = () => {
      const parse = vi.spyOn(JSON, "parse");
      return () => parse.mock.calls.filter(([text]) => typeof text === "string" && text.includes('"etag"')).length;
    };

    it("are parsed once per artifact, not per file read", async () => {
      const storage = createLocalArtifactStorage(root);
      await storage.uploadDirectory("dep1", source);
      const parses = manifestParses();
      const reads = await Promise.all(Array.from({ length: 20 }, (_, i) => storage.readFile("dep1", i % 2 ? "index.html" : "about/index.html", ["gzip"])));
      for (const file of reads) file!.body.destroy();
      for (let i = 0; i < 20; i += 1) {
        const file = await storage.readFile("dep1", i % 2 ? "index.html" : "missing.html", []);
        file?.body.destroy();
      }
      expect(parses()).toBe(1);
    });

    it("notice an artifact that another process removed or uploaded again", async () => {
      const reader = createLocalArtifactStorage(root);
      const writer = createLocalArtifactStorage(root);
      await writer.uploadDirectory("dep1", source);
      const before = await reader.readFile("dep1", "about/index.html", []);
      before!.body.destroy();

      await writeFile(path.join(source, "about", "index.html"), "<p>changed</p>");
      await writer.uploadDirectory("dep1", source);
      const after = await reader.readFile("dep1", "about/index.html", []);
      expect(after!.etag).not.toBe(before!.etag);
      after!.body.destroy();

      await writer.remove("dep1");
      expect(await reader.readFile("dep1", "about/index.html", [])).toBeNull();
    });

    it("are bounded: past manifestCacheBytes the least recently used is parsed again", async () => {
      const storage = createLocalArtifactStorage(root, { manifestCacheBytes: 1 });
      await storage.uploadDirectory("dep1", source);
      await storage.uploadDirectory("dep2", source);
      const parses = manifestParses();
      for (const key of ["dep1", "dep1", "dep2", "dep2", "dep1"]) (await storage.readFile(key, "index.html", []))!.body.destroy();
      expect(parses()).toBe(3);
    });
  });
});

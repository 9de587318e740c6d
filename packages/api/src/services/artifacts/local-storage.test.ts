import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
});

import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalArtifactStorage, normaliseArtifactPath } from "./local-storage.js";

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

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
    await writeFile(path.join(source, "logo.png"), Buffer.alloc(4096, 7));
    await writeFile(path.join(source, "manifest.json"), "{}");
    await symlink("/etc/passwd", path.join(source, "passwd"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("uploads regular files with compressed variants and reads them back", async () => {
    const storage = createLocalArtifactStorage(root);
    const result = await storage.uploadDirectory("dep1", source);
    expect(result.files).toBe(4);
    expect(result.bytes).toBe(2413 + 12 + 4096 + 2);
    expect((await readdir(root)).filter((name) => name.startsWith(".tmp-"))).toEqual([]);

    const br = await storage.readFile("dep1", "index.html", ["br", "gzip"]);
    expect(br?.encoding).toBe("br");
    const html = brotliDecompressSync(await readAll(br!.body)).toString();
    expect(html).toContain("hello world");
    expect(br!.etag).toMatch(/^[0-9a-f]{64}$/);

    const gz = await storage.readFile("dep1", "index.html", ["gzip"]);
    expect(gz?.encoding).toBe("gzip");
    expect(gunzipSync(await readAll(gz!.body)).toString()).toBe(html);

    const plain = await storage.readFile("dep1", "index.html", []);
    expect(plain?.encoding).toBeUndefined();
    expect(plain?.size).toBe(html.length);
    expect((await readAll(plain!.body)).toString()).toBe(html);

    // Small and binary files get no variants.
    const small = await storage.readFile("dep1", "about/index.html", ["br", "gzip"]);
    expect(small?.encoding).toBeUndefined();
    expect((await readAll(small!.body)).toString()).toBe("<p>small</p>");
    expect((await storage.readFile("dep1", "logo.png", ["br"]))?.encoding).toBeUndefined();
    // A user file named like the manifest is an ordinary file.
    expect((await readAll((await storage.readFile("dep1", "manifest.json", []))!.body)).toString()).toBe("{}");
  });

  it("skips symlinks, refuses traversal and answers null for missing files", async () => {
    const storage = createLocalArtifactStorage(root);
    await storage.uploadDirectory("dep1", source);
    expect(await storage.readFile("dep1", "passwd", [])).toBeNull();
    expect(await storage.readFile("dep1", "../dep1/files/index.html", [])).toBeNull();
    expect(await storage.readFile("dep1", "nope.html", [])).toBeNull();
    expect(await storage.readFile("missing", "index.html", [])).toBeNull();
    expect(await storage.readFile("../x", "index.html", [])).toBeNull();
    expect(normaliseArtifactPath("a/./b/../c.html")).toBe("a/c.html");
    expect(normaliseArtifactPath("../etc/passwd")).toBe("etc/passwd");
    expect(normaliseArtifactPath("a\\..\\b")).toBeNull();
    expect(normaliseArtifactPath("")).toBeNull();
  });

  it("replaces and removes artifacts", async () => {
    const storage = createLocalArtifactStorage(root);
    await storage.uploadDirectory("dep1", source);
    await rm(path.join(source, "logo.png"));
    expect((await storage.uploadDirectory("dep1", source)).files).toBe(3);
    expect(await storage.readFile("dep1", "logo.png", [])).toBeNull();
    await storage.remove("dep1");
    expect(await storage.readFile("dep1", "index.html", [])).toBeNull();
    await storage.remove("dep1");
    await expect(storage.uploadDirectory("../evil", source)).rejects.toThrow(/invalid artifact key/);
  });
});

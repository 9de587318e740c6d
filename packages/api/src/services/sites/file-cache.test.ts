import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ArtifactStorage, ContentEncoding, StoredFile } from "../artifacts/storage.js";
import { createSiteFileCache, type SiteFile } from "./file-cache.js";

// The in-memory layer between site serving and the artifact store: what it
// keeps, for how long, and that it never changes what a request gets.

interface FakeFile {
  content: Buffer;
  etag: string;
  variants?: Partial<Record<ContentEncoding, Buffer>>;
}

function fakeStorage(files: Record<string, FakeFile>) {
  const reads: string[] = [];
  let failNext = false;
  const storage: Pick<ArtifactStorage, "readFile"> = {
    async readFile(key, path, accept) {
      reads.push(`${key}/${path}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failNext) {
        failNext = false;
        throw new Error("store unavailable");
      }
      const file = files[`${key}/${path}`];
      if (!file) return null;
      for (const encoding of accept) {
        const variant = file.variants?.[encoding];
        if (variant) return { body: Readable.from([variant]), size: variant.length, etag: file.etag, encoding } satisfies StoredFile;
      }
      // Several chunks, as a file stream delivers them.
      const half = Math.floor(file.content.length / 2);
      return { body: Readable.from([file.content.subarray(0, half), file.content.subarray(half)]), size: file.content.length, etag: file.etag };
    },
  };
  return { storage, reads, failOnce: () => (failNext = true) };
}

async function body(file: SiteFile | null): Promise<string> {
  if (!file) throw new Error("no file");
  if (file.buffer) return file.buffer.toString("utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const html = Buffer.from("<h1>hello</h1>".repeat(10));

describe("site file cache", () => {
  it("reads a file from the store once and then answers from memory", async () => {
    const { storage, reads } = fakeStorage({ "dep1/index.html": { content: html, etag: "e1" } });
    const cache = createSiteFileCache(storage);
    expect(cache.peek("dep1", "index.html", [])).toBeUndefined();
    const first = await cache.read("dep1", "index.html", []);
    const second = await cache.read("dep1", "index.html", []);
    expect(await body(first)).toBe(html.toString());
    expect(second).toBe(first);
    expect(first).toMatchObject({ size: html.length, etag: "e1" });
    expect(first?.encoding).toBeUndefined();
    expect(cache.peek("dep1", "index.html", [])).toBe(first);
    expect(reads).toEqual(["dep1/index.html"]);
    expect(cache.bytes).toBeGreaterThanOrEqual(html.length);
  });

  it("keeps each set of accepted encodings apart", async () => {
    const gz = Buffer.from("gzipped");
    const br = Buffer.from("brotli");
    const { storage } = fakeStorage({ "dep1/app.js": { content: html, etag: "e2", variants: { gzip: gz, br } } });
    const cache = createSiteFileCache(storage);
    expect((await cache.read("dep1", "app.js", ["br", "gzip"]))?.encoding).toBe("br");
    expect((await cache.read("dep1", "app.js", ["gzip"]))?.encoding).toBe("gzip");
    const plain = await cache.read("dep1", "app.js", []);
    expect(plain?.encoding).toBeUndefined();
    expect(await body(plain)).toBe(html.toString());
    expect(await body(await cache.read("dep1", "app.js", ["br", "gzip"]))).toBe("brotli");
  });

  it("remembers misses, and shares one read between concurrent requests", async () => {
    const { storage, reads } = fakeStorage({ "dep1/index.html": { content: html, etag: "e1" } });
    const cache = createSiteFileCache(storage);
    expect(await cache.read("dep1", "missing.html", [])).toBeNull();
    expect(await cache.read("dep1", "missing.html", [])).toBeNull();
    expect(cache.peek("dep1", "missing.html", [])).toBeNull();
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.read("dep1", "index.html", [])));
    expect(new Set(results).size).toBe(1);
    expect(reads).toEqual(["dep1/missing.html", "dep1/index.html"]);
  });

  it("streams files above the size limit from the store on every request, without keeping them", async () => {
    const big = Buffer.alloc(4096, "b");
    const { storage, reads } = fakeStorage({ "dep1/big.bin": { content: big, etag: "e3" } });
    const cache = createSiteFileCache(storage, { maxFileBytes: 1024 });
    const first = await cache.read("dep1", "big.bin", []);
    expect(first?.buffer).toBeUndefined();
    expect(await body(first)).toBe(big.toString());
    const second = await cache.read("dep1", "big.bin", []);
    expect(await body(second)).toBe(big.toString());
    expect(cache.peek("dep1", "big.bin", [])).toBeUndefined();
    expect(cache.bytes).toBeLessThan(1024);
    // The first read found it large; each response then has its own stream.
    expect(reads).toEqual(["dep1/big.bin", "dep1/big.bin", "dep1/big.bin"]);
  });

  it("evicts the least recently used files beyond its memory budget", async () => {
    const files: Record<string, FakeFile> = {};
    for (const name of ["a", "b", "c"]) files[`dep1/${name}.html`] = { content: Buffer.alloc(1000, name), etag: name };
    const { storage, reads } = fakeStorage(files);
    // Room for two files (plus bookkeeping), not three.
    const cache = createSiteFileCache(storage, { maxBytes: 2700, maxFileBytes: 1000 });
    await cache.read("dep1", "a.html", []);
    await cache.read("dep1", "b.html", []);
    await cache.read("dep1", "a.html", []); // a is now the most recently used
    await cache.read("dep1", "c.html", []); // b goes
    expect(cache.bytes).toBeLessThanOrEqual(2700);
    expect(cache.peek("dep1", "a.html", [])).toBeTruthy();
    expect(cache.peek("dep1", "b.html", [])).toBeUndefined();
    expect(cache.peek("dep1", "c.html", [])).toBeTruthy();
    expect(await body(await cache.read("dep1", "b.html", []))).toBe("b".repeat(1000));
    expect(reads).toEqual(["dep1/a.html", "dep1/b.html", "dep1/c.html", "dep1/b.html"]);
  });

  it("does not remember a failed read", async () => {
    const { storage, reads, failOnce } = fakeStorage({ "dep1/index.html": { content: html, etag: "e1" } });
    const cache = createSiteFileCache(storage);
    failOnce();
    await expect(cache.read("dep1", "index.html", [])).rejects.toThrow("store unavailable");
    expect(await body(await cache.read("dep1", "index.html", []))).toBe(html.toString());
    expect(reads).toHaveLength(2);
  });
});

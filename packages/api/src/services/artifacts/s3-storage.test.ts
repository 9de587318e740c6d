import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createArtifactStorage, createS3Client } from "./index.js";
import { createLocalArtifactStorage } from "./local-storage.js";
import { APP_CSS, APP_JS, BUCKET, content, INDEX_HTML, listKeys, newKey, readAll, SITE_BYTES, SITE_FILES, useS3TestServer, useSiteDirectory } from "./s3-storage-fixtures.js";
import { createS3ArtifactStorage } from "./s3-storage.js";
import type { ArtifactStorage } from "./storage.js";

// S3 artifact storage against a real S3 server (s3rver, in this process, on a
// free port): the behaviour every ArtifactStorage shares, run against both the
// local and the S3 implementation, and how S3 storage writes, replaces and
// removes an artifact. Reading through the manifest: s3-storage-serving.test.ts;
// configuration and errors: s3-storage-config.test.ts.

const VENDOR_JS = "export const vendor = 'vendor code';\n".repeat(100);

const server = useS3TestServer();
const site = useSiteDirectory();

describe.each([
  { name: "local", create: (): ArtifactStorage => createLocalArtifactStorage(path.join(site.dir, "artifacts")) },
  { name: "S3", create: (): ArtifactStorage => createArtifactStorage(server.env()) },
])("artifact storage contract ($name)", ({ create }) => {
  it("uploads regular files with compressed variants and reads them back", async () => {
    const storage = create();
    const key = newKey();
    expect(await storage.uploadDirectory(key, site.source)).toEqual({ files: SITE_FILES, bytes: SITE_BYTES });

    const br = await storage.readFile(key, "index.html", ["br", "gzip"]);
    expect(br?.encoding).toBe("br");
    expect(br?.etag).toBe(createHash("sha256").update(INDEX_HTML).digest("hex"));
    expect(await content(br)).toBe(INDEX_HTML);
    const gz = await storage.readFile(key, "index.html", ["gzip", "br"]);
    expect(gz?.encoding).toBe("gzip");
    expect(gz?.etag).toBe(br?.etag);
    expect(await content(gz)).toBe(INDEX_HTML);
    const plain = await storage.readFile(key, "index.html", []);
    expect(plain?.encoding).toBeUndefined();
    expect(plain?.etag).toBe(br?.etag);
    expect(await content(plain)).toBe(INDEX_HTML);

    const css = await storage.readFile(key, "assets/app.css", ["gzip"]);
    expect(css?.encoding).toBe("gzip");
    expect(await content(css)).toBe(APP_CSS);
    const js = await storage.readFile(key, "assets/js/app.js", ["br"]);
    expect(js?.encoding).toBe("br");
    expect(js!.size).toBeLessThan(APP_JS.length / 100);
    expect(await content(js)).toBe(APP_JS);

    // Small and binary files get no variants.
    const small = await storage.readFile(key, "about/index.html", ["br", "gzip"]);
    expect(small?.encoding).toBeUndefined();
    expect(await content(small)).toBe("<p>small</p>");
    const png = await storage.readFile(key, "logo.png", ["br", "gzip"]);
    expect(png?.encoding).toBeUndefined();
    expect((await readAll(png!.body)).equals(Buffer.alloc(4096, 7))).toBe(true);
    // A file of the site named like the manifest is an ordinary file.
    expect(await content(await storage.readFile(key, "manifest.json", ["br"]))).toBe("{}");
  });

  it("skips symlinks, refuses traversal and answers null for missing files", async () => {
    const storage = create();
    const key = newKey();
    await storage.uploadDirectory(key, site.source);
    expect(await storage.readFile(key, "passwd", [])).toBeNull();
    expect(await storage.readFile(key, "alias/index.html", [])).toBeNull();
    expect(await storage.readFile(key, "index.html.br", [])).toBeNull();
    expect(await storage.readFile(key, `../${key}/files/index.html`, [])).toBeNull();
    expect(await storage.readFile(key, "nope.html", ["br"])).toBeNull();
    expect(await storage.readFile(key, "about", [])).toBeNull();
    expect(await storage.readFile(key, "", [])).toBeNull();
    expect(await storage.readFile("missing", "index.html", [])).toBeNull();
    expect(await storage.readFile("../x", "index.html", [])).toBeNull();
  });

  it("keeps a file of the site that is named like a variant", async () => {
    await writeFile(path.join(site.source, "vendor.js"), VENDOR_JS);
    await writeFile(path.join(site.source, "vendor.js.br"), "the site's own");
    const storage = create();
    const key = newKey();
    await storage.uploadDirectory(key, site.source);
    const vendor = await storage.readFile(key, "vendor.js", ["br", "gzip"]);
    expect(vendor?.encoding).toBe("gzip");
    expect(await content(vendor)).toBe(VENDOR_JS);
    expect(await content(await storage.readFile(key, "vendor.js.br", ["br"]))).toBe("the site's own");
  });

  it("uploads an empty directory as an empty artifact", async () => {
    const empty = path.join(site.dir, "empty");
    await mkdir(empty);
    const storage = create();
    const key = newKey();
    expect(await storage.uploadDirectory(key, empty)).toEqual({ files: 0, bytes: 0 });
    expect(await storage.readFile(key, "index.html", [])).toBeNull();
  });

  it("replaces and removes artifacts", async () => {
    const storage = create();
    const key = newKey();
    await storage.uploadDirectory(key, site.source);
    expect(await storage.readFile(key, "logo.png", [])).not.toBeNull();
    await rm(path.join(site.source, "logo.png"));
    await writeFile(path.join(site.source, "index.html"), "<p>replaced</p>");
    expect((await storage.uploadDirectory(key, site.source)).files).toBe(SITE_FILES - 1);
    expect(await storage.readFile(key, "logo.png", [])).toBeNull();
    const index = await storage.readFile(key, "index.html", ["br", "gzip"]);
    expect(index?.encoding).toBeUndefined();
    expect(await content(index)).toBe("<p>replaced</p>");
    await storage.remove(key);
    expect(await storage.readFile(key, "index.html", [])).toBeNull();
    await storage.remove(key);
    await storage.remove("never-uploaded");
    await expect(storage.uploadDirectory("../evil", site.source)).rejects.toThrow(/invalid artifact key/);
    await expect(storage.remove("../evil")).rejects.toThrow(/invalid artifact key/);
  });
});

describe("S3 artifact storage", () => {
  it("stores every object under the key, variants as objects of their own, and the manifest last", async () => {
    const { client, calls } = server.observedClient();
    const storage = createS3ArtifactStorage({ client, bucket: BUCKET });
    const key = newKey();
    await storage.uploadDirectory(key, site.source);

    const puts = calls.filter((call) => call.command === "PutObjectCommand").map((call) => call.key);
    expect(puts.at(-1)).toBe(`${key}/manifest.json`);
    const stored = await listKeys(client, `${key}/`);
    const upload = /^[^/]+\/([0-9a-f]{16})\//.exec(stored[0]!)?.[1];
    expect(upload).toBeDefined();
    const files = ["about/index.html", "assets/app.css", "assets/js/app.js", "index.html", "logo.png", "manifest.json"];
    const variants = ["assets/app.css", "assets/js/app.js", "index.html"].flatMap((file) => [`${file}.br`, `${file}.gz`]);
    expect(stored).toEqual([...[...files, ...variants].map((file) => `${key}/${upload}/${file}`), `${key}/manifest.json`].sort());
    expect(puts).toHaveLength(stored.length);
  });

  it("never shows an artifact before its manifest is written", async () => {
    let reachedManifest!: () => void;
    const reached = new Promise<void>((resolve) => (reachedManifest = resolve));
    let releaseManifest!: () => void;
    const released = new Promise<void>((resolve) => (releaseManifest = resolve));
    const key = newKey();
    const { client } = server.observedClient(async (call) => {
      if (call.command === "PutObjectCommand" && call.key === `${key}/manifest.json`) {
        reachedManifest();
        await released;
      }
    });
    const writer = createS3ArtifactStorage({ client, bucket: BUCKET });
    const reader = createArtifactStorage(server.env());

    const uploading = writer.uploadDirectory(key, site.source);
    await reached;
    // Every file is stored, yet no reader sees any of it.
    expect((await listKeys(client, `${key}/`)).length).toBe(SITE_FILES + 6);
    expect(await reader.readFile(key, "index.html", ["br"])).toBeNull();
    expect(await writer.readFile(key, "index.html", [])).toBeNull();
    releaseManifest();
    await uploading;
    // A miss is not cached: the committed artifact is visible at once.
    expect(await content(await reader.readFile(key, "index.html", ["br"]))).toBe(INDEX_HTML);
    expect(await content(await writer.readFile(key, "index.html", []))).toBe(INDEX_HTML);
  });

  it("cleans up after a failed upload and keeps serving the previous artifact", async () => {
    let failLogo = false;
    const { client } = server.observedClient((call) => {
      if (failLogo && call.command === "PutObjectCommand" && call.key?.endsWith("/logo.png")) throw new Error("disk full");
    });
    const storage = createS3ArtifactStorage({ client, bucket: BUCKET, uploadConcurrency: 2 });
    const fresh = newKey();
    const replaced = newKey();
    await storage.uploadDirectory(replaced, site.source);
    const before = await listKeys(client, `${replaced}/`);

    failLogo = true;
    await expect(storage.uploadDirectory(fresh, site.source)).rejects.toThrow("disk full");
    expect(await listKeys(client, `${fresh}/`)).toEqual([]);
    expect(await storage.readFile(fresh, "index.html", [])).toBeNull();

    await writeFile(path.join(site.source, "index.html"), "<p>new</p>");
    await expect(storage.uploadDirectory(replaced, site.source)).rejects.toThrow("disk full");
    expect(await listKeys(client, `${replaced}/`)).toEqual(before);
    expect(await content(await storage.readFile(replaced, "index.html", ["gzip"]))).toBe(INDEX_HTML);
  });

  it("replaces artifacts whole, deletes the replaced upload, and readers with a cached manifest follow", async () => {
    const { client } = server.observedClient();
    const writer = createS3ArtifactStorage({ client, bucket: BUCKET });
    const reader = createS3ArtifactStorage({ client: createS3Client(server.env()), bucket: BUCKET });
    const key = newKey();
    await writer.uploadDirectory(key, site.source);
    const first = await reader.readFile(key, "index.html", ["br"]);
    expect(await content(first)).toBe(INDEX_HTML);

    await writeFile(path.join(site.source, "index.html"), "<p>second</p>");
    await writer.uploadDirectory(key, site.source);
    const stored = await listKeys(client, `${key}/`);
    expect(new Set(stored.map((object) => object.split("/")[1])).size).toBe(2); // the manifest and one upload
    expect(stored).toHaveLength(SITE_FILES + 4 + 1);

    // The reader's cached manifest points at deleted objects: it reads the manifest again.
    const second = await reader.readFile(key, "index.html", ["br"]);
    expect(second?.encoding).toBeUndefined();
    expect(second?.etag).not.toBe(first?.etag);
    expect(await content(second)).toBe("<p>second</p>");

    await writer.remove(key);
    expect(await reader.readFile(key, "index.html", [])).toBeNull();
    expect(await reader.readFile(key, "logo.png", [])).toBeNull();
  });

  it("removes artifacts of more than 1000 objects in batches of at most 1000", async () => {
    const many = path.join(site.dir, "many");
    await mkdir(path.join(many, "pages"), { recursive: true });
    await Promise.all(Array.from({ length: 1005 }, (_, i) => writeFile(path.join(many, "pages", `${i}.txt`), `page ${i}`)));
    const { client, calls } = server.observedClient();
    const storage = createS3ArtifactStorage({ client, bucket: BUCKET, uploadConcurrency: 32 });
    const key = newKey();
    expect((await storage.uploadDirectory(key, many)).files).toBe(1005);
    expect(await listKeys(client, `${key}/`)).toHaveLength(1006);

    calls.length = 0;
    await storage.remove(key);
    expect(calls[0]).toEqual({ command: "DeleteObjectCommand", key: `${key}/manifest.json` });
    const batches = calls.filter((call) => call.command === "DeleteObjectsCommand").map((call) => call.objects);
    expect(batches).toEqual([1000, 5]);
    expect(await listKeys(client, `${key}/`)).toEqual([]);
    expect(await storage.readFile(key, "pages/1.txt", [])).toBeNull();
  }, 60_000);
});

import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../env.js";
import { createArtifactStorage, createS3Client } from "./index.js";
import { createLocalArtifactStorage } from "./local-storage.js";
import { createS3ArtifactStorage } from "./s3-storage.js";
import { observeCommands, startS3TestServer, type ObservedCall, type S3TestServer } from "./s3-test-server.js";
import type { ArtifactStorage, StoredFile } from "./storage.js";

// S3 artifact storage against a real S3 server (s3rver, in this process, on a
// free port), and the behaviour every ArtifactStorage shares, run against both
// the local and the S3 implementation.

const BUCKET = "autostack-artifacts";
const INDEX_HTML = `<html>${"hello world ".repeat(200)}</html>`;
const APP_JS = "console.log('autostack');\n".repeat(50_000); // over 1 MiB: brotli at quality 9
const APP_CSS = "body { margin: 0; padding: 0; color: #333; }\n".repeat(40);
const VENDOR_JS = "export const vendor = 'vendor code';\n".repeat(100);

let server: S3TestServer;
let endpoint: string;
let keys = 0;

beforeAll(async () => {
  server = await startS3TestServer(BUCKET);
  endpoint = server.endpoint;
});

afterAll(() => server?.close());

function testEnv(extra: Record<string, string> = {}) {
  return parseEnv({ DATABASE_URL: "postgresql://unused/db", JWT_SECRET: "x".repeat(32), ...extra });
}

/** The configuration of a deployment that stores artifacts in the test server. */
function s3Env(extra: Record<string, string> = {}) {
  return server.env(extra);
}

/** A fresh key per test: all tests share one bucket. */
function newKey(): string {
  keys += 1;
  return `dep${keys}`;
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The decoded content of a read file, after checking that `size` is the size of its body. */
async function content(file: StoredFile | null): Promise<string> {
  expect(file).not.toBeNull();
  const body = await readAll(file!.body);
  expect(file!.size).toBe(body.length);
  if (file!.encoding === "br") return brotliDecompressSync(body).toString();
  if (file!.encoding === "gzip") return gunzipSync(body).toString();
  return body.toString();
}

async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const object of page.Contents ?? []) keys.push(object.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

type Observed = ObservedCall;

/** A client of the test server that records every command and lets a test hold or fail one. */
function observedClient(intercept?: (call: Observed) => Promise<void> | void) {
  const client = createS3Client(s3Env());
  return { client, calls: observeCommands(client, intercept) };
}

let dir: string;
let source: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "autostack-artifacts-"));
  source = path.join(dir, "site");
  await mkdir(path.join(source, "about"), { recursive: true });
  await mkdir(path.join(source, "assets", "js"), { recursive: true });
  await writeFile(path.join(source, "index.html"), INDEX_HTML);
  await writeFile(path.join(source, "about", "index.html"), "<p>small</p>");
  await writeFile(path.join(source, "assets", "app.css"), APP_CSS);
  await writeFile(path.join(source, "assets", "js", "app.js"), APP_JS);
  await writeFile(path.join(source, "logo.png"), Buffer.alloc(4096, 7));
  await writeFile(path.join(source, "manifest.json"), "{}");
  await symlink("/etc/passwd", path.join(source, "passwd"));
  await symlink(path.join(source, "about"), path.join(source, "alias"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SITE_FILES = 6;
const SITE_BYTES = INDEX_HTML.length + 12 + APP_CSS.length + APP_JS.length + 4096 + 2;

describe.each([
  { name: "local", create: (): ArtifactStorage => createLocalArtifactStorage(path.join(dir, "artifacts")) },
  { name: "S3", create: (): ArtifactStorage => createArtifactStorage(s3Env()) },
])("artifact storage contract ($name)", ({ create }) => {
  it("uploads regular files with compressed variants and reads them back", async () => {
    const storage = create();
    const key = newKey();
    expect(await storage.uploadDirectory(key, source)).toEqual({ files: SITE_FILES, bytes: SITE_BYTES });

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
    await storage.uploadDirectory(key, source);
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
    await writeFile(path.join(source, "vendor.js"), VENDOR_JS);
    await writeFile(path.join(source, "vendor.js.br"), "the site's own");
    const storage = create();
    const key = newKey();
    await storage.uploadDirectory(key, source);
    const vendor = await storage.readFile(key, "vendor.js", ["br", "gzip"]);
    expect(vendor?.encoding).toBe("gzip");
    expect(await content(vendor)).toBe(VENDOR_JS);
    expect(await content(await storage.readFile(key, "vendor.js.br", ["br"]))).toBe("the site's own");
  });

  it("uploads an empty directory as an empty artifact", async () => {
    const empty = path.join(dir, "empty");
    await mkdir(empty);
    const storage = create();
    const key = newKey();
    expect(await storage.uploadDirectory(key, empty)).toEqual({ files: 0, bytes: 0 });
    expect(await storage.readFile(key, "index.html", [])).toBeNull();
  });

  it("replaces and removes artifacts", async () => {
    const storage = create();
    const key = newKey();
    await storage.uploadDirectory(key, source);
    expect(await storage.readFile(key, "logo.png", [])).not.toBeNull();
    await rm(path.join(source, "logo.png"));
    await writeFile(path.join(source, "index.html"), "<p>replaced</p>");
    expect((await storage.uploadDirectory(key, source)).files).toBe(SITE_FILES - 1);
    expect(await storage.readFile(key, "logo.png", [])).toBeNull();
    const index = await storage.readFile(key, "index.html", ["br", "gzip"]);
    expect(index?.encoding).toBeUndefined();
    expect(await content(index)).toBe("<p>replaced</p>");
    await storage.remove(key);
    expect(await storage.readFile(key, "index.html", [])).toBeNull();
    await storage.remove(key);
    await storage.remove("never-uploaded");
    await expect(storage.uploadDirectory("../evil", source)).rejects.toThrow(/invalid artifact key/);
    await expect(storage.remove("../evil")).rejects.toThrow(/invalid artifact key/);
  });
});

describe("S3 artifact storage", () => {
  it("stores every object under the key, variants as objects of their own, and the manifest last", async () => {
    const { client, calls } = observedClient();
    const storage = createS3ArtifactStorage({ client, bucket: BUCKET });
    const key = newKey();
    await storage.uploadDirectory(key, source);

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

  it("serves the same manifest and etags as local storage", async () => {
    const local = createLocalArtifactStorage(path.join(dir, "artifacts"));
    const { client } = observedClient();
    const s3 = createS3ArtifactStorage({ client, bucket: BUCKET });
    const key = newKey();
    await local.uploadDirectory(key, source);
    await s3.uploadDirectory(key, source);

    const localManifest = JSON.parse(await readFile(path.join(dir, "artifacts", key, "manifest.json"), "utf8")) as Record<string, { etag: string }>;
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${key}/manifest.json` }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(localManifest);
    for (const [file, entry] of Object.entries(localManifest)) {
      for (const accept of [[], ["br"], ["gzip"]] as const) {
        const [fromLocal, fromS3] = await Promise.all([local.readFile(key, file, accept), s3.readFile(key, file, accept)]);
        expect(fromS3?.etag).toBe(entry.etag);
        expect(fromS3?.etag).toBe(fromLocal?.etag);
        expect(fromS3?.encoding).toBe(fromLocal?.encoding);
        expect(fromS3?.size).toBe(fromLocal?.size);
        expect((await readAll(fromS3!.body)).equals(await readAll(fromLocal!.body))).toBe(true);
      }
    }
  });

  it("never shows an artifact before its manifest is written", async () => {
    let reachedManifest!: () => void;
    const reached = new Promise<void>((resolve) => (reachedManifest = resolve));
    let releaseManifest!: () => void;
    const released = new Promise<void>((resolve) => (releaseManifest = resolve));
    const key = newKey();
    const { client } = observedClient(async (call) => {
      if (call.command === "PutObjectCommand" && call.key === `${key}/manifest.json`) {
        reachedManifest();
        await released;
      }
    });
    const writer = createS3ArtifactStorage({ client, bucket: BUCKET });
    const reader = createArtifactStorage(s3Env());

    const uploading = writer.uploadDirectory(key, source);
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
    const { client } = observedClient((call) => {
      if (failLogo && call.command === "PutObjectCommand" && call.key?.endsWith("/logo.png")) throw new Error("disk full");
    });
    const storage = createS3ArtifactStorage({ client, bucket: BUCKET, uploadConcurrency: 2 });
    const fresh = newKey();
    const replaced = newKey();
    await storage.uploadDirectory(replaced, source);
    const before = await listKeys(client, `${replaced}/`);

    failLogo = true;
    await expect(storage.uploadDirectory(fresh, source)).rejects.toThrow("disk full");
    expect(await listKeys(client, `${fresh}/`)).toEqual([]);
    expect(await storage.readFile(fresh, "index.html", [])).toBeNull();

    await writeFile(path.join(source, "index.html"), "<p>new</p>");
    await expect(storage.uploadDirectory(replaced, source)).rejects.toThrow("disk full");
    expect(await listKeys(client, `${replaced}/`)).toEqual(before);
    expect(await content(await storage.readFile(replaced, "index.html", ["gzip"]))).toBe(INDEX_HTML);
  });

  it("replaces artifacts whole, deletes the replaced upload, and readers with a cached manifest follow", async () => {
    const { client } = observedClient();
    const writer = createS3ArtifactStorage({ client, bucket: BUCKET });
    const reader = createS3ArtifactStorage({ client: createS3Client(s3Env()), bucket: BUCKET });
    const key = newKey();
    await writer.uploadDirectory(key, source);
    const first = await reader.readFile(key, "index.html", ["br"]);
    expect(await content(first)).toBe(INDEX_HTML);

    await writeFile(path.join(source, "index.html"), "<p>second</p>");
    await writer.uploadDirectory(key, source);
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

  it("fetches a manifest once per key, however many readers ask, and bounds the cache", async () => {
    const writer = createArtifactStorage(s3Env());
    const [one, two] = [newKey(), newKey()];
    await writer.uploadDirectory(one, source);
    await writer.uploadDirectory(two, source);
    const { client, calls } = observedClient();
    const manifestReads = () => calls.filter((call) => call.command === "GetObjectCommand" && call.key?.endsWith("/manifest.json")).length;

    const storage = createS3ArtifactStorage({ client, bucket: BUCKET });
    const files = await Promise.all(Array.from({ length: 5 }, () => storage.readFile(one, "index.html", ["br"])));
    for (const file of files) expect(await content(file)).toBe(INDEX_HTML);
    expect(manifestReads()).toBe(1);
    const gets = calls.length;
    expect(await storage.readFile(one, "nope.html", [])).toBeNull();
    expect(await storage.readFile(one, "about", [])).toBeNull();
    expect(calls.length).toBe(gets); // a file the manifest does not list costs no request
    await content(await storage.readFile(one, "logo.png", []));
    expect(manifestReads()).toBe(1);

    // Room for one manifest only: the least recently used one goes.
    calls.length = 0;
    const small = createS3ArtifactStorage({ client, bucket: BUCKET, manifestCacheBytes: 1 });
    for (const key of [one, one, two, two, one]) await content(await small.readFile(key, "about/index.html", []));
    expect(manifestReads()).toBe(3);
  });

  it("removes artifacts of more than 1000 objects in batches of at most 1000", async () => {
    const many = path.join(dir, "many");
    await mkdir(path.join(many, "pages"), { recursive: true });
    await Promise.all(Array.from({ length: 1005 }, (_, i) => writeFile(path.join(many, "pages", `${i}.txt`), `page ${i}`)));
    const { client, calls } = observedClient();
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

  it("propagates errors other than a missing object", async () => {
    const storage = createS3ArtifactStorage({ client: createS3Client(s3Env()), bucket: "no-such-bucket" });
    await expect(storage.readFile("dep", "index.html", [])).rejects.toThrow(/bucket/i);
    await expect(storage.uploadDirectory("dep", source)).rejects.toThrow(/bucket/i);
    // (s3rver does not check version 4 signatures, only that the access key exists.)
    const unknownKey = createS3ArtifactStorage({ client: createS3Client(s3Env({ AWS_ACCESS_KEY_ID: "UNKNOWN" })), bucket: BUCKET });
    await expect(unknownKey.readFile("dep", "index.html", [])).rejects.toThrow(/access key/i);
  });

  it("is chosen by createArtifactStorage when S3_BUCKET is set, local storage otherwise", async () => {
    const key = newKey();
    await createArtifactStorage(s3Env({ DATA_DIR: dir })).uploadDirectory(key, source);
    expect(await listKeys(createS3Client(s3Env()), `${key}/`)).toContain(`${key}/manifest.json`);
    expect(await createArtifactStorage(testEnv({ DATA_DIR: dir })).readFile(key, "index.html", [])).toBeNull();

    await createArtifactStorage(testEnv({ DATA_DIR: dir })).uploadDirectory(key, source);
    expect(await readFile(path.join(dir, "artifacts", key, "manifest.json"), "utf8")).toContain("index.html");
  });
});

describe("S3 configuration", () => {
  it("accepts a bucket with an endpoint, region and credentials", () => {
    const env = s3Env({ S3_REGION: "eu-central-1" });
    expect(env).toMatchObject({ S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: true, S3_REGION: "eu-central-1" });
    expect(testEnv({ S3_BUCKET: "my.site-artifacts" })).toMatchObject({ S3_BUCKET: "my.site-artifacts", S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false });
    expect(testEnv({ S3_BUCKET: "" }).S3_BUCKET).toBeUndefined();
  });

  it("rejects half-set credentials, an endpoint without a bucket and malformed bucket names", () => {
    expect(() => testEnv({ S3_BUCKET: BUCKET, AWS_ACCESS_KEY_ID: "key" })).toThrow(
      "Invalid configuration: AWS_SECRET_ACCESS_KEY must be set together with AWS_ACCESS_KEY_ID",
    );
    expect(() => testEnv({ S3_BUCKET: BUCKET, AWS_SECRET_ACCESS_KEY: "secret" })).toThrow(
      "Invalid configuration: AWS_ACCESS_KEY_ID must be set together with AWS_SECRET_ACCESS_KEY",
    );
    expect(() => testEnv({ S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow("Invalid configuration: S3_BUCKET is required when S3_ENDPOINT is set");
    expect(() => testEnv({ S3_BUCKET: "My_Bucket" })).toThrow("Invalid configuration: S3_BUCKET must be a bucket name");
    expect(() => testEnv({ S3_BUCKET: "ab" })).toThrow(/S3_BUCKET must be a bucket name/);
    expect(() => testEnv({ S3_BUCKET: BUCKET, S3_ENDPOINT: "not a url" })).toThrow(/S3_ENDPOINT/);
  });
});

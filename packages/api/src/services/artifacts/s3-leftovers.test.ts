import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createS3Client } from "./index.js";
import { createS3ArtifactStorage, type S3ArtifactStorageOptions } from "./s3-storage.js";
import { observeCommands, startS3TestServer, type ObservedCall, type S3TestServer } from "./s3-test-server.js";
import type { LeftoverUploadSweep, PendingUpload } from "./storage.js";

// The sweep of uploads that dead workers left in the bucket, against a real
// S3 server (a fresh one per test, so each test sees only its own bucket).
// Which uploads are unneeded is the worker's decision (its rules are tested in
// apps/worker/src/builder/leftovers.test.ts); here the store's part: what it
// offers, that it never removes a committed upload, and bounded work.

const BUCKET = "autostack-sweep";

let server: S3TestServer;
let client: S3Client;
let site: string;

beforeEach(async () => {
  server = await startS3TestServer(BUCKET);
  client = createS3Client(server.env());
  site = await mkdtemp(path.join(tmpdir(), "autostack-sweep-site-"));
  await mkdir(path.join(site, "about"));
  await writeFile(path.join(site, "index.html"), "<h1>home</h1>");
  await writeFile(path.join(site, "about", "index.html"), "<h1>about</h1>");
});

afterEach(async () => {
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

function store(options: Partial<S3ArtifactStorageOptions> = {}) {
  return createS3ArtifactStorage({ client, bucket: BUCKET, ...options });
}

/** What a worker that died mid-upload leaves: objects under an upload prefix that no manifest names. */
async function crashedUpload(key: string, upload: string): Promise<void> {
  for (const file of ["index.html", "about/index.html", "index.html.gz"]) {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${key}/${upload}/${file}`, Body: file }));
  }
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

/** A sweep that finds every upload it is offered unneeded, and records the offers. */
function removeAll(): LeftoverUploadSweep & { offered: PendingUpload[] } {
  const offered: PendingUpload[] = [];
  return {
    offered,
    unneeded: async (uploads) => {
      offered.push(...uploads);
      return uploads;
    },
  };
}

const at = (key: string, upload: string) => `s3://${BUCKET}/${key}/${upload}/`;

describe("the S3 leftover-upload sweep", () => {
  it("offers the uploads no manifest names, dated by their newest object, and removes those found unneeded", async () => {
    const storage = store();
    await storage.uploadDirectory("committed", site);
    const before = new Date(Date.now() - 1000);
    await crashedUpload("committed", "0123456789abcdef"); // a retry that died after a commit of its own key
    await crashedUpload("never-committed", "fedcba9876543210");
    await crashedUpload("spared", "00000000000000aa");
    // Dated by its newest object, not its first: S3 dates to the second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const lastWritten = Date.now();
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "spared/00000000000000aa/late.js", Body: "x" }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "not-a-key.txt", Body: "x" }));
    const sweep = removeAll();
    const keepSpared: LeftoverUploadSweep = { unneeded: async (uploads) => (await sweep.unneeded(uploads)).filter((u) => u.key !== "spared") };

    const removed = await storage.removeLeftoverUploads(keepSpared);

    expect(sweep.offered.map((u) => u.location).sort()).toEqual(
      [at("committed", "0123456789abcdef"), at("never-committed", "fedcba9876543210"), at("spared", "00000000000000aa")].sort(),
    );
    for (const upload of sweep.offered) expect(upload.modifiedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(sweep.offered.find((u) => u.key === "spared")!.modifiedAt.getTime()).toBeGreaterThan(lastWritten - 1000);
    expect(removed.map((u) => [u.key, u.location]).sort()).toEqual([
      ["committed", at("committed", "0123456789abcdef")],
      ["never-committed", at("never-committed", "fedcba9876543210")],
    ]);
    expect(await objectsUnder("never-committed/")).toEqual([]);
    expect(await objectsUnder("spared/")).toHaveLength(4);
    // The committed artifact is whole.
    expect((await objectsUnder("committed/")).every((object) => !object.startsWith("committed/0123456789abcdef/"))).toBe(true);
    expect(await storage.readFile("committed", "about/index.html", [])).not.toBeNull();
  });

  it("never offers a committed upload, and asks nothing more about a key that has only that", async () => {
    const storage = store();
    await storage.uploadDirectory("site-a", site);
    await storage.uploadDirectory("site-b", site);
    await storage.uploadDirectory("site-b", site); // replaced: the old upload is deleted by the upload itself
    const calls = observeCommands(client);
    const sweep = removeAll();

    expect(await storage.removeLeftoverUploads(sweep)).toEqual([]);

    expect(sweep.offered).toEqual([]);
    // One listing of the bucket; no key needed a request of its own.
    expect(calls.map((c) => c.command)).toEqual(["ListObjectsV2Command"]);
    expect(await storage.readFile("site-b", "index.html", [])).not.toBeNull();
  });

  it("spares an upload that was committed while the sweep decided", async () => {
    let releaseManifest!: () => void;
    const released = new Promise<void>((resolve) => (releaseManifest = resolve));
    let reachedManifest!: () => void;
    const reached = new Promise<void>((resolve) => (reachedManifest = resolve));
    const writerClient = createS3Client(server.env());
    observeCommands(writerClient, async (call: ObservedCall) => {
      if (call.command === "PutObjectCommand" && call.key === "slow/manifest.json") {
        reachedManifest();
        await released;
      }
    });
    const uploading = createS3ArtifactStorage({ client: writerClient, bucket: BUCKET }).uploadDirectory("slow", site);
    await reached; // every file is stored, the commit is held

    const removed = await store().removeLeftoverUploads({
      unneeded: async (uploads) => {
        expect(uploads.map((u) => u.key)).toEqual(["slow"]);
        releaseManifest();
        await uploading; // committed now, before anything is removed
        return uploads;
      },
    });

    expect(removed).toEqual([]);
    expect(await store().readFile("slow", "index.html", [])).not.toBeNull();
  });

  it("looks at a bounded number of keys per call, goes on after them, and pauses between passes", async () => {
    const keys = ["k1", "k2", "k3", "k4", "k5"];
    for (const key of keys) await crashedUpload(key, "0123456789abcdef");
    // Two objects per listing request: every key's three objects span two pages.
    const storage = store({ sweep: { keysPerCall: 2, passIntervalMs: 60 * 60_000, listPageSize: 2 } });
    const perCall: string[][] = [];
    for (let call = 0; call < 4; call += 1) perCall.push((await storage.removeLeftoverUploads(removeAll())).map((u) => u.key!));

    expect(perCall).toEqual([["k1", "k2"], ["k3", "k4"], ["k5"], []]);
    // The pass is over: until the pause has passed, a call costs no request, even with a new leftover.
    await crashedUpload("k6", "0123456789abcdef");
    const calls = observeCommands(client);
    expect(await storage.removeLeftoverUploads(removeAll())).toEqual([]);
    expect(calls).toEqual([]);

    // Without a pause the next pass starts at once, from the first key.
    const eager = store({ sweep: { keysPerCall: 2, passIntervalMs: 0 } });
    expect((await eager.removeLeftoverUploads(removeAll())).map((u) => u.key)).toEqual(["k6"]);
    await crashedUpload("k1", "00000000000000bb");
    expect((await eager.removeLeftoverUploads(removeAll())).map((u) => u.location)).toEqual([at("k1", "00000000000000bb")]);
  });
});

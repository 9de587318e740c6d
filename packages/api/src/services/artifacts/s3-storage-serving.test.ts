import { readFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { createArtifactStorage } from "./index.js";
import { createLocalArtifactStorage } from "./local-storage.js";
import { BUCKET, content, INDEX_HTML, newKey, readAll, useS3TestServer, useSiteDirectory } from "./s3-storage-fixtures.js";
import { createS3ArtifactStorage } from "./s3-storage.js";

// How S3 artifact storage serves files (s3-storage.test.ts has the rest): the
// same manifest, etags and bodies as local storage, and one manifest request
// per key, from a bounded cache.

const server = useS3TestServer();
const site = useSiteDirectory();

describe("S3 artifact storage", () => {
  it("serves the same manifest and etags as local storage", async () => {
    const local = createLocalArtifactStorage(path.join(site.dir, "artifacts"));
    const { client } = server.observedClient();
    const s3 = createS3ArtifactStorage({ client, bucket: BUCKET });
    const key = newKey();
    await local.uploadDirectory(key, site.source);
    await s3.uploadDirectory(key, site.source);

    const localManifest = JSON.parse(await readFile(path.join(site.dir, "artifacts", key, "manifest.json"), "utf8")) as Record<string, { etag: string }>;
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

  it("fetches a manifest once per key, however many readers ask, and bounds the cache", async () => {
    const writer = createArtifactStorage(server.env());
    const [one, two] = [newKey(), newKey()];
    await writer.uploadDirectory(one, site.source);
    await writer.uploadDirectory(two, site.source);
    const { client, calls } = server.observedClient();
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
});

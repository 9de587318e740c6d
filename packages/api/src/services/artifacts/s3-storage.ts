import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  acceptedVariants,
  artifactFilePath,
  checkArtifactKey,
  ENCODING_SUFFIX,
  isArtifactKey,
  manifestEntry,
  prepareFiles,
  uploadSummary,
  type Manifest,
} from "./artifact-files.js";
import { committedUpload, deletePrefix, isNotFound, manifestKey, UPLOAD_METADATA, type Bucket } from "./s3-objects.js";
import { s3LeftoverUploadSweep, type S3SweepOptions } from "./s3-leftovers.js";
import type { ArtifactStorage, ContentEncoding, StoredFile, UploadResult } from "./storage.js";
import { WeightedLru } from "./weighted-lru.js";

// Artifacts as objects in a bucket, all below `<key>/`:
//
//   <key>/manifest.json            the same manifest as local storage; its user
//                                  metadata `upload` names the committed upload
//   <key>/<upload>/<path>          every original file
//   <key>/<upload>/<path>.br|.gz   precompressed variants, where smaller
//
// Each upload writes its files under a fresh random <upload> prefix and commits
// by writing the manifest last, so a reader sees either no artifact or a whole
// one, never a mixture (docs/decisions/0010-s3-artifacts.md). A replaced
// upload's objects are deleted after the commit; remove() deletes everything
// under `<key>/`, including what a crashed upload left behind, and the
// worker's sweep removes such uploads of keys that stay (s3-leftovers.ts).

export interface S3ArtifactStorageOptions {
  client: S3Client;
  bucket: string;
  /** Object PUTs in flight during an upload. */
  uploadConcurrency?: number;
  /** Upper bound of the cached manifests' JSON size, in bytes (the most recent one is always kept). */
  manifestCacheBytes?: number;
  /** Bounds of the leftover-upload sweep (s3-leftovers.ts). */
  sweep?: S3SweepOptions;
}

interface CommittedArtifact {
  manifest: Manifest;
  /** `<key>/<upload>/`: where the manifest's files are. */
  prefix: string;
  /** Length of the manifest's JSON: its weight in the cache. */
  weight: number;
}

/** Runs `task` for every item with at most `limit` in flight; rejects with the first failure once all have settled. */
async function forEachLimited<T>(items: AsyncIterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    for await (const item of items) {
      const promise: Promise<void> = task(item).then(
        () => void running.delete(promise),
        (error: unknown) => {
          running.delete(promise);
          failure ??= { error };
        },
      );
      running.add(promise);
      if (running.size >= limit) await Promise.race(running);
      if (failure) break;
    }
  } finally {
    await Promise.all(running);
  }
  if (failure) throw failure.error;
}

export function createS3ArtifactStorage(options: S3ArtifactStorageOptions): ArtifactStorage {
  const { client, bucket } = options;
  const target: Bucket = { client, bucket };
  const concurrency = options.uploadConcurrency ?? 8;
  // Artifacts are immutable, so a manifest read once stays good; what is cached
  // is bounded by size, and a listed object that has gone (the key was removed
  // or re-uploaded elsewhere) evicts the entry.
  const cache = new WeightedLru<CommittedArtifact>(options.manifestCacheBytes ?? 32 * 1024 * 1024);
  const loading = new Map<string, Promise<CommittedArtifact | null>>();

  async function getObject(objectKey: string) {
    try {
      return await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function fetchArtifact(key: string): Promise<CommittedArtifact | null> {
    const object = await getObject(manifestKey(key));
    if (!object?.Body) return null;
    const text = await object.Body.transformToString("utf8");
    const upload = object.Metadata?.[UPLOAD_METADATA];
    if (!upload || !isArtifactKey(upload)) throw new Error(`artifact manifest s3://${bucket}/${manifestKey(key)} names no upload`);
    return { manifest: JSON.parse(text) as Manifest, prefix: `${key}/${upload}/`, weight: text.length };
  }

  /** The committed artifact, from the cache or fetched once however many readers ask at the same time. */
  function loadArtifact(key: string): Promise<CommittedArtifact | null> {
    const cached = cache.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = loading.get(key);
    if (!pending) {
      pending = fetchArtifact(key)
        .then((artifact) => {
          if (artifact) cache.set(key, artifact);
          return artifact;
        })
        .finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  }

  /** The file, null when the manifest does not list it, "gone" when it lists an object that no longer exists. */
  async function readListed(artifact: CommittedArtifact, relative: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null | "gone"> {
    const entry = manifestEntry(artifact.manifest, relative);
    if (!entry) return null;
    for (const encoding of [...acceptedVariants(entry, accept), undefined]) {
      const object = await getObject(artifact.prefix + relative + (encoding ? ENCODING_SUFFIX[encoding] : ""));
      if (!object?.Body) continue;
      const file: StoredFile = { body: object.Body as Readable, size: object.ContentLength ?? 0, etag: entry.etag };
      if (encoding) file.encoding = encoding;
      return file;
    }
    return "gone";
  }

  async function putObject(objectKey: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void> {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
  }

  return {
    async uploadDirectory(key: string, dir: string): Promise<UploadResult> {
      checkArtifactKey(key);
      const upload = randomBytes(8).toString("hex");
      const prefix = `${key}/${upload}/`;
      const manifest: Manifest = {};
      async function* objects(): AsyncGenerator<[string, Buffer]> {
        for await (const file of prepareFiles(dir)) {
          yield [prefix + file.relative, file.content];
          for (const variant of file.variants) yield [prefix + file.relative + ENCODING_SUFFIX[variant.encoding], variant.body];
          manifest[file.relative] = file.entry;
        }
      }
      let previous: string | undefined;
      try {
        await forEachLimited(objects(), concurrency, ([objectKey, body]) => putObject(objectKey, body));
        previous = await committedUpload(target, key);
        // The commit: until this object exists, readers see no (or the previous) artifact.
        await putObject(manifestKey(key), JSON.stringify(manifest), { [UPLOAD_METADATA]: upload });
      } catch (error) {
        await deletePrefix(target, prefix).catch(() => undefined);
        throw error;
      }
      cache.delete(key);
      // The replaced upload is unreachable now; should deleting it fail, remove() still finds it under the key.
      if (previous && previous !== upload && isArtifactKey(previous)) await deletePrefix(target, `${key}/${previous}/`).catch(() => undefined);
      return uploadSummary(manifest);
    },

    async readFile(key: string, filePath: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null> {
      const relative = artifactFilePath(key, filePath);
      if (!relative) return null;
      // Twice at most: a cached manifest whose objects have gone is read again.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const artifact = await loadArtifact(key);
        if (!artifact) return null;
        const found = await readListed(artifact, relative, accept);
        if (found !== "gone") return found;
        cache.delete(key);
      }
      return null;
    },

    async remove(key: string): Promise<void> {
      checkArtifactKey(key);
      // Manifest first: no reader starts on an artifact that is being deleted.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: manifestKey(key) }));
      cache.delete(key);
      await deletePrefix(target, `${key}/`);
    },

    removeLeftoverUploads: s3LeftoverUploadSweep(target, options.sweep),
  };
}

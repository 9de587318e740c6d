import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { isArtifactKey } from "./artifact-files.js";
import { removeUnneededUploads } from "./pending-uploads.js";
import { committedUpload, deletePrefix, manifestKey, type Bucket } from "./s3-objects.js";
import type { LeftoverUploadSweep, PendingUpload } from "./storage.js";

// Uploads that dead workers left in the bucket (ADR 0014). An upload writes
// its objects under `<key>/<upload>/` and commits by writing the manifest
// that names it (s3-storage.ts): one whose worker died before that lies under
// a prefix nothing names. The sweep finds such prefixes, dates each by its
// newest object (an upload in progress keeps writing, so stays recent), and
// deletes those the caller finds unneeded — the worker's rules
// (apps/worker/src/builder/leftovers.ts): nothing of an active deployment,
// nothing written to within the grace period. A committed upload is never
// touched, whatever its key: a bucket may be shared, and a deleted
// deployment's committed artifact is remove()'s to delete.
//
// Requests cost money and a bucket may hold many thousands of keys: a call
// lists the bucket in pages (every object once, a thousand per request) for a
// bounded number of keys, and the next call goes on after the last of them;
// once through the whole bucket, the next pass waits. Only keys that have
// more than one upload, or none committed, cost a request more.

export interface S3SweepOptions {
  /** Artifact keys looked at per call (default 200). */
  keysPerCall?: number;
  /** Pause between two passes over the whole bucket (default one hour). */
  passIntervalMs?: number;
  /** Objects per listing request (default 1000, the most S3 returns). */
  listPageSize?: number;
}

interface KeyObjects {
  hasManifest: boolean;
  /** Upload → when its newest object was written. */
  uploads: Map<string, Date>;
}

interface S3Upload extends PendingUpload {
  key: string;
  upload: string;
}

interface ListedKeys {
  keys: Map<string, KeyObjects>;
  /** The last object of the last key listed; undefined when the listing reached the end of the bucket. */
  last: string | undefined;
}

/** The objects of up to `limit` whole keys after `startAfter`, grouped by key and upload. */
async function listKeys(target: Bucket, startAfter: string | undefined, limit: number, pageSize: number): Promise<ListedKeys> {
  const keys = new Map<string, KeyObjects>();
  let last = startAfter;
  for (;;) {
    const page = await target.client.send(new ListObjectsV2Command({ Bucket: target.bucket, MaxKeys: pageSize, ...(last ? { StartAfter: last } : {}) }));
    for (const object of page.Contents ?? []) {
      const [key = "", upload, ...path] = (object.Key ?? "").split("/");
      let entry = keys.get(key);
      if (!entry) {
        if (keys.size === limit) return { keys, last }; // the next call starts with this key
        keys.set(key, (entry = { hasManifest: false, uploads: new Map() }));
      }
      last = object.Key;
      if (object.Key === manifestKey(key)) entry.hasManifest = true;
      if (!upload || path.length === 0) continue;
      const written = object.LastModified ?? new Date(0);
      const newest = entry.uploads.get(upload);
      if (!newest || newest < written) entry.uploads.set(upload, written);
    }
    // (An empty page that claims more would list the same page again: taken as the end.)
    if (!page.IsTruncated || !page.Contents?.length) return { keys, last: undefined };
  }
}

/** The uploads of `key` that its manifest does not name. */
async function uncommittedUploads(target: Bucket, key: string, { hasManifest, uploads }: KeyObjects): Promise<S3Upload[]> {
  if (!isArtifactKey(key) || uploads.size === 0) return [];
  // The usual key (a manifest and one upload) costs no request: that upload
  // is the committed one. Should the committed upload be an empty one (no
  // objects, so not listed), a leftover is spared, never the reverse.
  if (hasManifest && uploads.size === 1) return [];
  const committed = hasManifest ? await committedUpload(target, key) : undefined;
  return [...uploads]
    .filter(([upload]) => upload !== committed && isArtifactKey(upload))
    .map(([upload, modifiedAt]) => ({ key, upload, location: `s3://${target.bucket}/${key}/${upload}/`, modifiedAt }));
}

/** The S3 store's removeLeftoverUploads: its place in the bucket and the pass timing live as long as the store. */
export function s3LeftoverUploadSweep(target: Bucket, options: S3SweepOptions = {}): (sweep: LeftoverUploadSweep) => Promise<PendingUpload[]> {
  const keysPerCall = options.keysPerCall ?? 200;
  const passIntervalMs = options.passIntervalMs ?? 60 * 60_000;
  let cursor: string | undefined;
  let nextPassAt = 0;
  return async (sweep) => {
    if (Date.now() < nextPassAt) return [];
    const { keys, last } = await listKeys(target, cursor, keysPerCall, options.listPageSize ?? 1000);
    cursor = last;
    if (!cursor) nextPassAt = Date.now() + passIntervalMs;
    const found: S3Upload[] = [];
    for (const [key, objects] of keys) found.push(...(await uncommittedUploads(target, key, objects)));
    return removeUnneededUploads(found, sweep, async (upload) => {
      // Committed after all since it was listed (an upload that stalled, then finished): it is the artifact now.
      if ((await committedUpload(target, upload.key)) === upload.upload) return false;
      await deletePrefix(target, `${upload.key}/${upload.upload}/`);
      return true;
    });
  };
}

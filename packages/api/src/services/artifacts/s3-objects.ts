import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import { MANIFEST } from "./artifact-files.js";

// The object layout of an S3 artifact (described in s3-storage.ts) and the
// requests that both the store and its leftover sweep (s3-leftovers.ts) make.

/** The manifest's user metadata that names the committed upload. */
export const UPLOAD_METADATA = "upload";
const DELETE_BATCH = 1000; // the most DeleteObjects accepts

export interface Bucket {
  client: S3Client;
  bucket: string;
}

export const manifestKey = (key: string) => `${key}/${MANIFEST}`;

export function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  if (error.name === "NoSuchKey" || error.name === "NotFound") return true;
  return error.$metadata.httpStatusCode === 404 && error.name !== "NoSuchBucket";
}

/** Deletes every object under `prefix` (ending in "/"), page by page. */
export async function deletePrefix({ client, bucket }: Bucket, prefix: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: DELETE_BATCH, ...(token ? { ContinuationToken: token } : {}) }));
    const objects = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (objects.length > 0) {
      const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      const failed = result.Errors?.[0];
      if (failed) throw new Error(`cannot delete s3://${bucket}/${failed.Key ?? prefix}: ${failed.Code ?? ""} ${failed.Message ?? ""}`.trim());
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** The upload the key's manifest names, undefined when nothing is committed. */
export async function committedUpload({ client, bucket }: Bucket, key: string): Promise<string | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: manifestKey(key) }));
    return head.Metadata?.[UPLOAD_METADATA];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

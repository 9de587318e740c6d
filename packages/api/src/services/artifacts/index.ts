import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { Env } from "../../env.js";
import { createLocalArtifactStorage } from "./local-storage.js";
import { createS3ArtifactStorage } from "./s3-storage.js";
import type { ArtifactStorage } from "./storage.js";

export { normaliseArtifactPath, type Manifest, type ManifestEntry } from "./artifact-files.js";
export { createLocalArtifactStorage, type LocalArtifactStorageOptions } from "./local-storage.js";
export { createS3ArtifactStorage, type S3ArtifactStorageOptions } from "./s3-storage.js";
export type { ArtifactStorage, ContentEncoding, StoredFile, UploadResult } from "./storage.js";

export type S3Env = Pick<Env, "S3_REGION" | "S3_ENDPOINT" | "S3_FORCE_PATH_STYLE" | "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY">;
export type ArtifactStorageEnv = Pick<Env, "DATA_DIR" | "S3_BUCKET"> & S3Env;

/** An S3 client for this configuration; without keys, the SDK's default credential chain (instance roles and the like) applies. */
export function createS3Client(env: S3Env): S3Client {
  return new S3Client({
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    // A site request must not hang on an unreachable endpoint; the idle limit is per socket, not per transfer.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    ...(env.S3_ENDPOINT
      ? {
          endpoint: env.S3_ENDPOINT,
          // S3-compatible servers (MinIO, R2, Ceph, ...) do not all accept the
          // checksums newer SDKs add to every request by default.
          requestChecksumCalculation: "WHEN_REQUIRED" as const,
          responseChecksumValidation: "WHEN_REQUIRED" as const,
        }
      : {}),
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } }
      : {}),
  });
}

/** The artifact storage for this configuration: the S3 bucket when S3_BUCKET is set, else `${DATA_DIR}/artifacts`. */
export function createArtifactStorage(env: ArtifactStorageEnv): ArtifactStorage {
  if (env.S3_BUCKET) return createS3ArtifactStorage({ client: createS3Client(env), bucket: env.S3_BUCKET });
  return createLocalArtifactStorage(path.resolve(env.DATA_DIR, "artifacts"));
}

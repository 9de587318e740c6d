import type { Readable } from "node:stream";
import type { ArtifactStore } from "../deployments/artifact-store.js";

// Immutable build artifacts. The worker uploads a deployment's output once
// (every file plus precompressed .br/.gz siblings where they are smaller);
// web processes read single files to serve sites. Implementations: local
// directory under DATA_DIR/artifacts (default) and S3 (when S3_BUCKET is set).

export type ContentEncoding = "br" | "gzip";

export interface StoredFile {
  body: Readable;
  /** Bytes of `body` (the encoded size when `encoding` is set). */
  size: number;
  /** Strong validator of the file's original content. */
  etag: string;
  /** Set when `body` is the precompressed variant. */
  encoding?: ContentEncoding;
}

export interface UploadResult {
  bytes: number;
  files: number;
}

/** An upload that never became the artifact: its worker died during it, or it is still under way. */
export interface PendingUpload {
  /** The artifact key it was written for; null when it does not say (a local upload directory named before keys were part of its name). */
  key: string | null;
  /** Where it is (a directory, or an s3:// prefix), for the log. */
  location: string;
  /** When anything in it was last written: an upload in progress keeps this recent. */
  modifiedAt: Date;
}

export interface LeftoverUploadSweep {
  /**
   * Of the uploads found, those that nobody needs any more. The storage
   * cannot tell (it knows no deployments); the worker's sweep decides
   * (apps/worker/src/builder/leftovers.ts) and only these are removed.
   */
  unneeded(uploads: PendingUpload[]): Promise<PendingUpload[]>;
}

export interface ArtifactStorage extends ArtifactStore {
  /** Uploads every regular file below `dir` under `key`; symlinks are not followed. */
  uploadDirectory(key: string, dir: string): Promise<UploadResult>;
  /**
   * Reads `path` (relative, already normalised, no leading slash) of the
   * artifact, preferring a precompressed variant in `accept` order.
   * Resolves null when the file does not exist.
   */
  readFile(key: string, path: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null>;
  /**
   * Removes uploads that were never committed and that `sweep` finds
   * unneeded; returns those removed. A committed artifact is never one. The
   * work per call is bounded: a large bucket is covered over several calls.
   */
  removeLeftoverUploads(sweep: LeftoverUploadSweep): Promise<PendingUpload[]>;
}

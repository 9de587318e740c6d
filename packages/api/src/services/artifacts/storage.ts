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

export interface ArtifactStorage extends ArtifactStore {
  /** Uploads every regular file below `dir` under `key`; symlinks are not followed. */
  uploadDirectory(key: string, dir: string): Promise<UploadResult>;
  /**
   * Reads `path` (relative, already normalised, no leading slash) of the
   * artifact, preferring a precompressed variant in `accept` order.
   * Resolves null when the file does not exist.
   */
  readFile(key: string, path: string, accept: readonly ContentEncoding[]): Promise<StoredFile | null>;
}

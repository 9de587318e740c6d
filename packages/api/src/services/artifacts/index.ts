import path from "node:path";
import type { Env } from "../../env.js";
import { createLocalArtifactStorage } from "./local-storage.js";
import type { ArtifactStorage } from "./storage.js";

export { createLocalArtifactStorage, normaliseArtifactPath, type Manifest, type ManifestEntry } from "./local-storage.js";
export type { ArtifactStorage, ContentEncoding, StoredFile, UploadResult } from "./storage.js";

/** The artifact storage for this configuration: `${DATA_DIR}/artifacts` (S3 is not implemented yet). */
export function createArtifactStorage(env: Pick<Env, "DATA_DIR">): ArtifactStorage {
  return createLocalArtifactStorage(path.resolve(env.DATA_DIR, "artifacts"));
}

import type { Tx } from "../deployments/build-job.js";
import type { ArtifactStore } from "../deployments/artifact-store.js";

// The files of a closed pull request's previews (task
// remove-preview-artifacts). The rows already have no artifact key, so their
// URLs answer 404 from the moment the pull request is closed; the job,
// added in that same transaction, removes the files and is retried while
// the storage fails. Removing what is already gone succeeds.

export const PREVIEW_ARTIFACTS_TASK = "remove-preview-artifacts";
const MAX_ATTEMPTS = 10;

export interface PreviewArtifactsPayload {
  artifactKeys: string[];
}

const ARTIFACT_KEY = /^[A-Za-z0-9-]{1,255}$/;

export async function enqueueArtifactRemoval(tx: Tx, artifactKeys: string[]): Promise<void> {
  if (artifactKeys.length === 0) return;
  await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
    ${PREVIEW_ARTIFACTS_TASK}::text,
    json_build_object('artifactKeys', ${artifactKeys}::text[]),
    max_attempts := ${MAX_ATTEMPTS}::int)`;
}

/** The payload's keys, when it is one this task wrote; null otherwise (not retried). */
export function artifactKeysOf(payload: unknown): string[] | null {
  const keys = (payload as Partial<PreviewArtifactsPayload> | null)?.artifactKeys;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === "string" && ARTIFACT_KEY.test(key))) return null;
  return keys as string[];
}

export async function removePreviewArtifacts(store: ArtifactStore, artifactKeys: string[]): Promise<number> {
  for (const key of artifactKeys) await store.remove(key);
  return artifactKeys.length;
}

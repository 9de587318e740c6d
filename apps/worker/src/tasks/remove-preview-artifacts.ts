import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { artifactKeysOf, createArtifactStorage, removePreviewArtifacts, type ArtifactStorage } from "@autostack/api/services";
import { failMalformed } from "./prevent-retries.js";

/**
 * Removes the artifacts of a closed pull request's previews ({ artifactKeys }).
 * Their rows already have no artifact key (their URLs answer 404); a storage
 * failure throws and is retried.
 */
export function createRemovePreviewArtifactsTask(deps: { env: Env; storage?: ArtifactStorage }): Task {
  let storage = deps.storage;
  return async (payload, helpers) => {
    const keys = artifactKeysOf(payload);
    if (!keys) {
      return failMalformed(helpers, "remove-preview-artifacts", "artifactKeys must be a list of artifact keys");
    }
    const removed = await removePreviewArtifacts((storage ??= createArtifactStorage(deps.env)), keys);
    helpers.logger.info(`remove-preview-artifacts: ${removed} removed`);
  };
}

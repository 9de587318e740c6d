// Where build output lives (local directory or S3, implemented by the storage
// side). The domain layer only ever needs to drop an artifact when its
// deployment is deleted; `key` is the deployment's artifact_key.

export interface ArtifactStore {
  /** Removes every object under the key; succeeds when there is nothing to remove. */
  remove(key: string): Promise<void>;
}

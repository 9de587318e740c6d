import type { LeftoverUploadSweep, PendingUpload } from "./storage.js";

/**
 * Asks `sweep` which of the uploads a store `found` nobody needs, and removes
 * those one by one; returns those removed. Only what the store found is ever
 * removed, whatever the answer names. `remove` resolves false when it spared
 * the upload after all (it was committed meanwhile).
 */
export async function removeUnneededUploads<T extends PendingUpload>(found: T[], sweep: LeftoverUploadSweep, remove: (upload: T) => Promise<boolean>): Promise<PendingUpload[]> {
  if (found.length === 0) return [];
  const byLocation = new Map(found.map((upload) => [upload.location, upload]));
  const removed: PendingUpload[] = [];
  for (const { location } of await sweep.unneeded(found)) {
    const upload = byLocation.get(location);
    if (!upload || !(await remove(upload))) continue;
    byLocation.delete(location);
    removed.push({ key: upload.key, location: upload.location, modifiedAt: upload.modifiedAt });
  }
  return removed;
}

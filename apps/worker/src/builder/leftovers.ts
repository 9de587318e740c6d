import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { ArtifactStorage } from "@autostack/api/services";
import type { Database } from "@autostack/db";

// What a build leaves behind when its worker dies before its own cleanup runs
// (ADR 0009, ADR 0014): the checkout `DATA_DIR/builds/<id>`, and an upload the
// artifact store never committed — the local store's temporary directory
// `DATA_DIR/artifacts/.tmp-<key>-<random>`, or objects under an S3 upload
// prefix that no manifest names (the key is the deployment id). The stores
// find their uploads (ArtifactStorage.removeLeftoverUploads); the rules of
// what may go are here, one set for all: once nothing can need it — the
// deployment's row is gone, or it is final and was completed more than the
// grace period ago — and nothing was written to it within the grace period
// (an upload in progress keeps writing). Anything of a queued, building or
// deploying deployment is left alone, whoever builds it; a retry starts from a
// fresh checkout and a fresh upload anyway.

/** How long after a deployment ended (or an entry was last changed) its leftovers are spared: the worker's own cleanup may be under way. */
export const LEFTOVER_GRACE_MS = 2 * 60_000;
/** A temporary upload directory named before it carried its key: whose it is cannot be told, so only its age decides. */
export const UNNAMED_UPLOAD_MAX_AGE_MS = 24 * 60 * 60_000;

const ACTIVE_STATUSES = ["queued", "building", "deploying"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LeftoverOptions {
  graceMs?: number;
  now?: Date;
}

export interface RemovedLeftover {
  kind: "checkout" | "upload";
  /** A directory, or an upload's s3:// prefix. */
  path: string;
  /** Null for a temporary upload that does not name its deployment. */
  deploymentId: string | null;
}

// The parts of the store's interface (the services entry exports the whole).
type LeftoverUploadSweep = Parameters<ArtifactStorage["removeLeftoverUploads"]>[0];
type PendingUpload = Parameters<LeftoverUploadSweep["unneeded"]>[0][number];

interface Checkout {
  path: string;
  deploymentId: string;
  modifiedAt: Date;
}

/** Removes the checkouts under `buildsDir` that no deployment needs any more; returns those removed. */
export async function removeLeftoverCheckouts(db: Database, buildsDir: string, options: LeftoverOptions = {}): Promise<RemovedLeftover[]> {
  const removed: RemovedLeftover[] = [];
  for (const checkout of await unneeded(db, await checkouts(buildsDir), (c) => c.deploymentId, options)) {
    await rm(checkout.path, { recursive: true, force: true });
    removed.push({ kind: "checkout", path: checkout.path, deploymentId: checkout.deploymentId });
  }
  return removed;
}

/** The rules for the uploads an artifact store never committed: what its removeLeftoverUploads may remove. */
export function unneededUploads(db: Database, options: LeftoverOptions = {}): LeftoverUploadSweep {
  return {
    async unneeded(uploads: PendingUpload[]): Promise<PendingUpload[]> {
      const now = (options.now ?? new Date()).getTime();
      const unnamed = uploads.filter((upload) => upload.key === null && now - upload.modifiedAt.getTime() >= UNNAMED_UPLOAD_MAX_AGE_MS);
      const named = uploads.filter((upload) => upload.key !== null);
      return [...unnamed, ...(await unneeded(db, named, (upload) => upload.key, options))];
    },
  };
}

/** The directories directly below `buildsDir` named like a deployment; a missing `buildsDir` has none, symlinks and files are never ones. */
async function checkouts(buildsDir: string): Promise<Checkout[]> {
  const entries = await readdir(buildsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const found: Checkout[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !UUID.test(entry.name)) continue;
    const entryPath = path.join(buildsDir, entry.name);
    const info = await lstat(entryPath).catch(() => null); // removed meanwhile
    if (info?.isDirectory()) found.push({ path: entryPath, deploymentId: entry.name, modifiedAt: info.mtime });
  }
  return found;
}

/** Those of `items` that no deployment needs any more (the rules above); `deploymentOf` names an item's deployment. */
async function unneeded<T extends { modifiedAt: Date }>(db: Database, items: T[], deploymentOf: (item: T) => string | null, options: LeftoverOptions): Promise<T[]> {
  if (items.length === 0) return [];
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.graceMs ?? LEFTOVER_GRACE_MS));
  const ids = [...new Set(items.flatMap((item) => deploymentOf(item) ?? []).filter((id) => UUID.test(id)))];
  const deployments = new Map(
    (await db.deployment.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, completedAt: true } })).map((d) => [d.id, d]),
  );
  return items.filter((item) => {
    const id = deploymentOf(item);
    const deployment = id ? deployments.get(id) : undefined;
    if (deployment && ACTIVE_STATUSES.includes(deployment.status)) return false;
    // A row deleted a moment ago: its worker may still be stopping and cleaning up.
    if (item.modifiedAt >= cutoff) return false;
    return !(deployment?.completedAt && deployment.completedAt >= cutoff);
  });
}

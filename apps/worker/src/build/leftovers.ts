import { lstat, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Database } from "@autostack/db";

// What a build leaves on the host's disk when its worker dies before its own
// cleanup runs (ADR 0009, ADR 0014): the checkout `DATA_DIR/builds/<id>` and
// the local artifact store's temporary upload directory
// `DATA_DIR/artifacts/.tmp-<key>-<random>` (local-storage.ts; the key is the
// deployment id). The sweep removes them once nothing can need them: the
// deployment's row is gone, or it is final and was completed more than the
// grace period ago. Anything of a queued, building or deploying deployment is
// left alone, whoever builds it; a retry starts from a fresh checkout anyway.

/** How long after a deployment ended (or an entry was last changed) its leftovers are spared: the worker's own cleanup may be under way. */
export const LEFTOVER_GRACE_MS = 2 * 60_000;
/** A temporary upload directory named before it carried its key: whose it is cannot be told, so only its age decides. */
export const UNNAMED_UPLOAD_MAX_AGE_MS = 24 * 60 * 60_000;

const ACTIVE_STATUSES = ["queued", "building", "deploying"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMED_UPLOAD = /^\.tmp-([A-Za-z0-9_-][A-Za-z0-9._-]{0,127})-[0-9a-f]{16}$/;
const UNNAMED_UPLOAD = /^\.tmp-[0-9a-f]{16}$/;

export interface LeftoverOptions {
  graceMs?: number;
  now?: Date;
}

export interface RemovedLeftover {
  kind: "checkout" | "upload";
  path: string;
  /** Null for a temporary upload that does not name its deployment. */
  deploymentId: string | null;
}

interface Candidate {
  path: string;
  deploymentId: string | null;
  modifiedAt: Date;
}

/** Removes the checkouts under `buildsDir` that no deployment needs any more; returns those removed. */
export async function removeLeftoverCheckouts(db: Database, buildsDir: string, options: LeftoverOptions = {}): Promise<RemovedLeftover[]> {
  const candidates = await directories(buildsDir, (name) => (UUID.test(name) ? name : undefined));
  return removeUnneeded(db, candidates, options, "checkout");
}

/** Removes the temporary upload directories under `artifactsDir` that no deployment needs any more; returns those removed. */
export async function removeLeftoverUploads(db: Database, artifactsDir: string, options: LeftoverOptions = {}): Promise<RemovedLeftover[]> {
  const candidates = await directories(artifactsDir, (name) => {
    const named = NAMED_UPLOAD.exec(name);
    if (named) return named[1];
    return UNNAMED_UPLOAD.test(name) ? null : undefined;
  });
  const now = options.now ?? new Date();
  const removed: RemovedLeftover[] = [];
  for (const unnamed of candidates.filter((c) => c.deploymentId === null)) {
    if (now.getTime() - unnamed.modifiedAt.getTime() < UNNAMED_UPLOAD_MAX_AGE_MS) continue;
    await rm(unnamed.path, { recursive: true, force: true });
    removed.push({ kind: "upload", path: unnamed.path, deploymentId: null });
  }
  removed.push(...(await removeUnneeded(db, candidates.filter((c) => c.deploymentId !== null), options, "upload")));
  return removed;
}

/**
 * The directories directly below `dir` whose name `owner` accepts (it returns
 * the deployment id, null for "nobody's", undefined for "not ours"). A
 * missing `dir` has none; symlinks and files are never candidates.
 */
async function directories(dir: string, owner: (name: string) => string | null | undefined): Promise<Candidate[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const candidates: Candidate[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const deploymentId = owner(entry.name);
    if (deploymentId === undefined) continue;
    const entryPath = path.join(dir, entry.name);
    const info = await lstat(entryPath).catch(() => null); // removed meanwhile
    if (info?.isDirectory()) candidates.push({ path: entryPath, deploymentId, modifiedAt: info.mtime });
  }
  return candidates;
}

async function removeUnneeded(db: Database, candidates: Candidate[], options: LeftoverOptions, kind: RemovedLeftover["kind"]): Promise<RemovedLeftover[]> {
  if (candidates.length === 0) return [];
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.graceMs ?? LEFTOVER_GRACE_MS));
  const ids = [...new Set(candidates.flatMap((c) => (c.deploymentId && UUID.test(c.deploymentId) ? [c.deploymentId] : [])))];
  const deployments = new Map(
    (await db.deployment.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, completedAt: true } })).map((d) => [d.id, d]),
  );
  const removed: RemovedLeftover[] = [];
  for (const candidate of candidates) {
    const deployment = candidate.deploymentId ? deployments.get(candidate.deploymentId) : undefined;
    if (deployment && ACTIVE_STATUSES.includes(deployment.status)) continue;
    // A row deleted a moment ago: its worker may still be stopping and cleaning up.
    if (candidate.modifiedAt >= cutoff) continue;
    if (deployment?.completedAt && deployment.completedAt >= cutoff) continue;
    await rm(candidate.path, { recursive: true, force: true });
    removed.push({ kind, path: candidate.path, deploymentId: candidate.deploymentId });
  }
  return removed;
}

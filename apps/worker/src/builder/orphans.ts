import type Docker from "dockerode";
import type { Database } from "@autostack/db";
import { DEPLOYMENT_LABEL, INSTALLATION_LABEL, MANAGED_LABEL, WORKER_LABEL } from "./runners/docker/container-spec.js";
import { installationId } from "./installation.js";

// Build containers outlive a worker that is SIGKILLed, OOM-killed or loses
// its host process: the engine keeps running them. Every worker's liveness
// sweep (liveness.ts) removes the containers of dead workers from its own
// engine, before the stuck-build sweep re-queues their deployments, so that a
// retry never shares the checkout with a leftover of the previous attempt.
//
// Several installations, or test databases, may share one engine: a container
// labelled with another installation's id (build/installation.ts) is never
// touched. An orphan must also name a deployment in this database, and
//   - its worker's heartbeat is older than the timeout, or missing while the
//     container is older than the timeout (a worker takes jobs a moment
//     before its first heartbeat), or
//   - it has no worker label (made before workers set one) and its deployment
//     is finished.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENGINE_CALL_MS = 5000;

export interface OrphanContainer {
  id: string;
  deploymentId: string;
  workerId: string | null;
}

interface BuildContainer extends OrphanContainer {
  createdAt: Date;
  /** Labelled with this installation's id; false for a container made before workers set the label. */
  ours: boolean;
}

/** The engine's build containers (running or not) that name a deployment, but none that another installation labelled. */
async function buildContainers(docker: Docker, db: Database): Promise<BuildContainer[]> {
  // dockerode passes abortSignal to the HTTP request (its typings omit it).
  const listOptions = { all: true, filters: { label: [`${MANAGED_LABEL}=true`] }, abortSignal: AbortSignal.timeout(ENGINE_CALL_MS) } as Docker.ContainerListOptions;
  const listed = await docker.listContainers(listOptions);
  const installation = listed.length > 0 ? await installationId(db) : null;
  return listed.flatMap((c) => {
    const deploymentId = c.Labels?.[DEPLOYMENT_LABEL];
    const labelled = c.Labels?.[INSTALLATION_LABEL] || null;
    // Unknown when this installation's id cannot be told: then no labelled container is known to be ours.
    if (!deploymentId || !UUID.test(deploymentId) || (labelled !== null && labelled !== installation)) return [];
    return [{ id: c.Id, deploymentId, workerId: c.Labels?.[WORKER_LABEL] || null, createdAt: new Date(c.Created * 1000), ours: labelled !== null }];
  });
}

export async function findOrphanContainers(docker: Docker, db: Database, options: { heartbeatTimeoutMs: number; now?: Date }): Promise<OrphanContainer[]> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.heartbeatTimeoutMs);
  const containers = await buildContainers(docker, db);
  if (containers.length === 0) return [];

  const deployments = new Map(
    (await db.deployment.findMany({ where: { id: { in: [...new Set(containers.map((c) => c.deploymentId))] } }, select: { id: true, status: true } })).map((d) => [
      d.id,
      d.status,
    ]),
  );
  const workerIds = [...new Set(containers.flatMap((c) => (c.workerId ? [c.workerId] : [])))];
  const heartbeats = new Map(
    (await db.workerHeartbeat.findMany({ where: { workerId: { in: workerIds } }, select: { workerId: true, lastSeenAt: true } })).map((h) => [h.workerId, h.lastSeenAt]),
  );
  return containers
    .filter((c) => {
      const status = deployments.get(c.deploymentId);
      if (status === undefined) return false; // another installation's, or a deployment deleted meanwhile
      if (!c.workerId) return !["queued", "building", "deploying"].includes(status) && c.createdAt < cutoff;
      const seen = heartbeats.get(c.workerId);
      return seen ? seen < cutoff : c.createdAt < cutoff;
    })
    .map(({ id, deploymentId, workerId }) => ({ id, deploymentId, workerId }));
}

/** Force-removes (kills) the orphans; returns those removed. */
export async function removeOrphanContainers(docker: Docker, db: Database, options: { heartbeatTimeoutMs: number; now?: Date }): Promise<OrphanContainer[]> {
  return removeContainers(docker, await findOrphanContainers(docker, db, options));
}

/**
 * Build containers nothing will use any more, whatever their worker's state
 * (ADR 0014): those of a deployment that is final since longer than the grace
 * period (its worker removes a step's container right after the step; the
 * grace keeps the sweep out of that), and those of a deleted deployment,
 * created longer than the grace period ago. A missing row alone does not say
 * the container is ours (several installations may share an engine), so a
 * deleted deployment's container counts only when it carries this
 * installation's label — or, made before workers set one, when its worker
 * label names a worker known to this database's worker_heartbeats. A
 * container of a queued, building or deploying deployment is never one.
 */
export async function findLeftoverContainers(docker: Docker, db: Database, options: { graceMs: number; now?: Date }): Promise<OrphanContainer[]> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.graceMs);
  const containers = await buildContainers(docker, db);
  if (containers.length === 0) return [];
  const deployments = new Map(
    (
      await db.deployment.findMany({
        where: { id: { in: [...new Set(containers.map((c) => c.deploymentId))] } },
        select: { id: true, status: true, completedAt: true },
      })
    ).map((d) => [d.id, d]),
  );
  const workerIds = [...new Set(containers.flatMap((c) => (c.workerId && !c.ours && !deployments.has(c.deploymentId) ? [c.workerId] : [])))];
  const knownWorkers = new Set(
    workerIds.length === 0 ? [] : (await db.workerHeartbeat.findMany({ where: { workerId: { in: workerIds } }, select: { workerId: true } })).map((h) => h.workerId),
  );
  return containers
    .filter((c) => {
      if (c.createdAt >= cutoff) return false;
      const deployment = deployments.get(c.deploymentId);
      if (!deployment) return c.ours || (c.workerId !== null && knownWorkers.has(c.workerId));
      if (["queued", "building", "deploying"].includes(deployment.status)) return false;
      return !deployment.completedAt || deployment.completedAt < cutoff;
    })
    .map(({ id, deploymentId, workerId }) => ({ id, deploymentId, workerId }));
}

/** Force-removes the leftover build containers; returns those removed. */
export async function removeLeftoverContainers(docker: Docker, db: Database, options: { graceMs: number; now?: Date }): Promise<OrphanContainer[]> {
  return removeContainers(docker, await findLeftoverContainers(docker, db, options));
}

async function removeContainers(docker: Docker, containers: OrphanContainer[]): Promise<OrphanContainer[]> {
  const removed: OrphanContainer[] = [];
  for (const container of containers) {
    const removal = { force: true, v: true, abortSignal: AbortSignal.timeout(ENGINE_CALL_MS) } as Docker.ContainerRemoveOptions;
    try {
      await docker.getContainer(container.id).remove(removal);
      removed.push(container);
    } catch (error) {
      // 404: gone already (its own worker, or another sweeper, removed it).
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return removed;
}

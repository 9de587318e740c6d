import type { EventBus } from "../../events.js";
import { findOwnedDeployment, type DeploymentDeps } from "./access.js";
import { readLinesAfter, toLogLine, type LogLine } from "./logs.js";
import { detailSelect, toDetail, type StageView } from "./present.js";
import { isFinalStatus, STAGE_LABELS, type DeploymentStatus, type StageLabel } from "./status.js";
import { createWakeup, type Wakeup } from "./wakeup.js";

// Live views of one deployment for subscriptions (tRPC, the raw WebSocket).
// Events only say "something changed for deployment X"; the rows are always
// read from the database after the reader's own position. Listening starts
// before the first read, so nothing committed in between is missed, and
// coalesced or lost events only delay a read: a poll every few seconds backs
// the bus up (and replaces it when the process has no bus).

const BATCH = 500;
const POLL_WITH_BUS_MS = 5000;
const POLL_WITHOUT_BUS_MS = 1000;

export interface StreamOptions {
  signal?: AbortSignal;
  /** Override of the fallback poll interval (tests). */
  pollMs?: number;
}

function listen(events: EventBus | undefined, deploymentId: string, wakeup: Wakeup): () => void {
  return events?.subscribe((event) => {
    if (event.deploymentId === deploymentId) wakeup.notify();
  }) ?? (() => undefined);
}

async function* logLines(
  deps: Pick<DeploymentDeps, "db" | "events">,
  deploymentId: string,
  after: bigint,
  options: StreamOptions,
): AsyncGenerator<{ id: string; data: LogLine }> {
  const { db } = deps;
  const wakeup = createWakeup();
  const unsubscribe = listen(deps.events, deploymentId, wakeup);
  const pollMs = options.pollMs ?? (deps.events ? POLL_WITH_BUS_MS : POLL_WITHOUT_BUS_MS);
  let cursor = after;
  try {
    while (!options.signal?.aborted) {
      const rows = await readLinesAfter(db, deploymentId, cursor, BATCH);
      for (const row of rows) {
        cursor = row.seq;
        yield { id: String(row.seq), data: toLogLine(row) };
      }
      if (rows.length === BATCH) continue;
      const state = await db.deployment.findUnique({ where: { id: deploymentId }, select: { status: true } });
      if (!state) return;
      if (isFinalStatus(state.status)) {
        // Lines committed before the final status are visible now: drain them, then end.
        for (let tail = await readLinesAfter(db, deploymentId, cursor, BATCH); tail.length; tail = await readLinesAfter(db, deploymentId, cursor, BATCH)) {
          for (const row of tail) {
            cursor = row.seq;
            yield { id: String(row.seq), data: toLogLine(row) };
          }
        }
        return;
      }
      await wakeup.wait(pollMs, options.signal);
    }
  } finally {
    unsubscribe();
  }
}

/**
 * Every stored line after `lastEventId` (a seq; all lines without one), then
 * new lines as they are written, each exactly once and in order; ends once
 * the deployment is final and its lines are delivered, or it is deleted.
 * Ownership is checked before the stream is handed out (404 otherwise).
 */
export async function openLogStream(
  deps: Pick<DeploymentDeps, "db" | "events">,
  userId: string,
  input: { deploymentId: string; lastEventId?: string | null },
  options: StreamOptions = {},
): Promise<AsyncGenerator<{ id: string; data: LogLine }>> {
  await findOwnedDeployment(deps.db, userId, input.deploymentId, { id: true });
  return logLines(deps, input.deploymentId, BigInt(input.lastEventId ?? "0"), options);
}

export interface StatusSnapshot {
  deploymentId: string;
  status: DeploymentStatus;
  /** The stage the status stands for, as the spec's status_update event names it. */
  stage: StageLabel;
  stages: StageView[];
  cancelRequested: boolean;
  duration: string | null;
  url: string | null;
  errorMessage: string | null;
}

async function readSnapshot(deps: Pick<DeploymentDeps, "db" | "env">, deploymentId: string): Promise<StatusSnapshot | null> {
  const row = await deps.db.deployment.findUnique({ where: { id: deploymentId }, select: detailSelect });
  if (!row) return null;
  const detail = toDetail(deps.env, row);
  return {
    deploymentId,
    status: detail.status,
    stage: STAGE_LABELS[detail.status],
    stages: detail.stages,
    cancelRequested: detail.cancelRequested,
    duration: detail.duration,
    url: detail.url,
    errorMessage: detail.errorMessage,
  };
}

async function* statusChanges(
  deps: Pick<DeploymentDeps, "db" | "env" | "events">,
  deploymentId: string,
  options: StreamOptions,
): AsyncGenerator<StatusSnapshot> {
  const wakeup = createWakeup();
  const unsubscribe = listen(deps.events, deploymentId, wakeup);
  const pollMs = options.pollMs ?? (deps.events ? POLL_WITH_BUS_MS : POLL_WITHOUT_BUS_MS);
  let last = "";
  try {
    while (!options.signal?.aborted) {
      const snapshot = await readSnapshot(deps, deploymentId);
      if (!snapshot) return;
      // States, not events: several quick changes may arrive as the latest one.
      const key = JSON.stringify(snapshot);
      if (key !== last) {
        last = key;
        yield snapshot;
      }
      if (isFinalStatus(snapshot.status)) return;
      await wakeup.wait(pollMs, options.signal);
    }
  } finally {
    unsubscribe();
  }
}

/** The current status and stage at once, then every change; ends at a final status. */
export async function openStatusStream(
  deps: Pick<DeploymentDeps, "db" | "env" | "events">,
  userId: string,
  input: { deploymentId: string },
  options: StreamOptions = {},
): Promise<AsyncGenerator<StatusSnapshot>> {
  await findOwnedDeployment(deps.db, userId, input.deploymentId, { id: true });
  return statusChanges(deps, input.deploymentId, options);
}

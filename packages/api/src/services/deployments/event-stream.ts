import { createHash } from "node:crypto";
import { ValidationError } from "../../errors.js";
import { findOwnedDeployment, type DeploymentDeps } from "./access.js";
import { completeEventId, logEventId, parseDeploymentEventId, START, statusEventId, type EventPosition } from "../../domain/deployments/event-stream-ids.js";
import { readLinesAfter, toLogLine, type LogLine } from "./logs.js";
import { detailSelect, toDetail, type StageView } from "./present.js";
import { isFinalStatus, STAGE_LABELS, type DeploymentStatus, type StageLabel } from "../../domain/deployments/status.js";
import { createWakeup } from "./wakeup.js";

// One ordered stream of a deployment's events, behind every live view of it
// (the tRPC subscriptions `events`, `logs` and `status`, the raw WebSocket):
//   log       every line exactly once, in seq order
//   status    the current status first, then each change (states, not events:
//             quick changes may arrive as the latest one); a status goes out
//             only after every line stored before it was read, so a stage's
//             lines come before the update that ends it
//   complete  once final, after the last line; the stream then ends. A
//             deleted deployment just ends the stream.
// Ids are resume positions (event-stream-ids.ts).
//
// Events only say "something changed for deployment X"; rows are always read
// from the database after the reader's own position. Listening starts before
// the first read, so nothing committed in between is missed, and coalesced or
// lost events only delay a read: a poll every few seconds backs the bus up
// (and replaces it when the process has no bus). The status is read before
// the lines of the same round, which is what orders a status after its lines
// (seq order is commit order per deployment: log-writer.ts).

const BATCH = 500;
const POLL_WITH_BUS_MS = 5000;
const POLL_WITHOUT_BUS_MS = 1000;

export interface StreamOptions {
  signal?: AbortSignal;
  /** Override of the fallback poll interval (tests). */
  pollMs?: number;
  /** false: status and completion only, no line is read (live status badges). */
  logs?: boolean;
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

export type DeploymentEvent =
  | ({ type: "log" } & LogLine)
  | ({ type: "status" } & StatusSnapshot)
  | { type: "complete"; status: DeploymentStatus; duration: string | null; url: string | null };

export interface DeploymentStreamItem {
  id: string;
  event: DeploymentEvent;
}

async function readSnapshot(deps: Pick<DeploymentDeps, "db" | "env">, deploymentId: string): Promise<StatusSnapshot | null> {
  // Prisma reads the stages in a query of their own: outside one transaction
  // (an interactive one: its batch form does not hold a single query in one),
  // a transition committed in between showed "queued" with Building in progress.
  const row = await deps.db.$transaction((tx) => tx.deployment.findUnique({ where: { id: deploymentId }, select: detailSelect }), {
    isolationLevel: "RepeatableRead",
  });
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

/** Same snapshot, same digest (the fields are always built in one order). */
function digest(snapshot: StatusSnapshot): string {
  return createHash("sha256").update(JSON.stringify(snapshot)).digest("hex").slice(0, 12);
}

async function* deploymentEvents(
  deps: Pick<DeploymentDeps, "db" | "env" | "events">,
  deploymentId: string,
  from: EventPosition,
  options: StreamOptions,
): AsyncGenerator<DeploymentStreamItem> {
  const { db } = deps;
  const wakeup = createWakeup();
  // Lines are read every round; the status (a heavier read) when an event
  // other than new lines arrived, and on every poll in case one was lost.
  let heard = false;
  let statusStale = true;
  let statusReadAt = 0;
  const unsubscribe =
    deps.events?.subscribe((event) => {
      if (event.deploymentId !== deploymentId) return;
      heard = true;
      if (event.type !== "deployment.logs") statusStale = true;
      wakeup.notify();
    }) ?? (() => undefined);
  const pollMs = options.pollMs ?? (deps.events ? POLL_WITH_BUS_MS : POLL_WITHOUT_BUS_MS);
  let cursor = from.after;
  let sentDigest = from.statusDigest;
  let completed = from.completed;
  let current: { snapshot: StatusSnapshot; digest: string } | null = null;
  try {
    while (!options.signal?.aborted) {
      if (statusStale || !current || Date.now() - statusReadAt >= pollMs) {
        statusStale = false;
        statusReadAt = Date.now();
        const snapshot = await readSnapshot(deps, deploymentId);
        if (!snapshot) return;
        current = { snapshot, digest: digest(snapshot) };
      }
      // Every line committed before the status was read is visible now; a
      // short page means none of them is left.
      if (options.logs !== false) {
        for (let full = true; full; ) {
          const rows = await readLinesAfter(db, deploymentId, cursor, BATCH);
          for (const row of rows) {
            cursor = row.seq;
            yield { id: logEventId(row.seq), event: { type: "log", ...toLogLine(row) } };
          }
          full = rows.length === BATCH;
        }
      }
      const { snapshot } = current;
      if (current.digest !== sentDigest) {
        sentDigest = current.digest;
        completed = false;
        yield { id: statusEventId(cursor, current.digest), event: { type: "status", ...snapshot } };
      }
      if (isFinalStatus(snapshot.status)) {
        if (!completed) {
          yield { id: completeEventId(cursor, current.digest), event: { type: "complete", status: snapshot.status, duration: snapshot.duration, url: snapshot.url } };
        }
        return;
      }
      heard = false;
      await wakeup.wait(pollMs, options.signal);
      if (!heard) statusStale = true;
    }
  } finally {
    unsubscribe();
  }
}

/**
 * The deployment's events after `lastEventId` (any id this stream emitted; from
 * the start without one), live until it is final or deleted. Ownership is
 * checked once, before the stream is handed out: 404 DEPLOYMENT_NOT_FOUND for
 * anyone else's deployment. Nothing is read until the first event is asked for.
 */
export async function openDeploymentEvents(
  deps: Pick<DeploymentDeps, "db" | "env" | "events">,
  userId: string,
  input: { deploymentId: string; lastEventId?: string | null },
  options: StreamOptions = {},
): Promise<AsyncGenerator<DeploymentStreamItem>> {
  const from = input.lastEventId == null ? START : parseDeploymentEventId(input.lastEventId);
  if (!from) throw new ValidationError("Invalid lastEventId", { lastEventId: "Must be an event id of this stream" });
  await findOwnedDeployment(deps.db, userId, input.deploymentId, { id: true });
  return deploymentEvents(deps, input.deploymentId, from, options);
}

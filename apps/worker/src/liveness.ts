import os from "node:os";
import type { Logger } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { hasRecovered, recoverStuckBuilds } from "./tasks/recover-stuck-builds.js";

// This worker's heartbeat, and the sweep that rescues deployments whose
// worker died (ADR 0009). Every worker runs both; the sweep's steps are
// guarded, so several workers sweeping at once do no harm. Less often, each
// worker also removes the leftovers of finished and deleted deployments
// (ADR 0014): its own engine's containers and its own DATA_DIR are reached
// by no other worker's sweep.

const MAX_HEARTBEAT_MS = 5_000;
const MAX_SWEEP_MS = 15_000;
const MIN_SWEEP_MS = 1_000;
/** How often a worker sweeps leftovers: they cost only disk, and listing an engine or a bucket is not free. */
export const LEFTOVER_SWEEP_MS = 5 * 60_000;

/**
 * How often to beat and to sweep for a heartbeat timeout. A live worker must
 * never look dead: it beats at least three times per timeout, so one slow
 * beat (GC pause, busy database) does not get its builds re-run elsewhere.
 * A dead one is noticed within the timeout plus one sweep: ≤ 45 s by default,
 * under the 60 s promise.
 */
export function livenessIntervals(heartbeatTimeoutMs: number): { heartbeatMs: number; sweepMs: number } {
  return {
    heartbeatMs: Math.min(MAX_HEARTBEAT_MS, Math.floor(heartbeatTimeoutMs / 3)),
    sweepMs: Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(heartbeatTimeoutMs / 2))),
  };
}

export interface Liveness {
  stop(): Promise<void>;
}

export interface LivenessOptions {
  db: Database;
  log: Logger;
  workerId: string;
  heartbeatTimeoutMs: number;
  /**
   * Removes what dead workers left running outside the database (their build
   * containers); runs first in every sweep, before their deployments are
   * re-queued. Returns a description of what it removed, for the log.
   */
  removeOrphans?: (now: Date) => Promise<unknown[]>;
  /** Removes the leftovers of finished and deleted deployments; runs every `leftoverSweepMs`, never twice at once, apart from the rescue. */
  removeLeftovers?: () => Promise<unknown>;
  leftoverSweepMs?: number;
}

export async function startLiveness(options: LivenessOptions): Promise<Liveness> {
  const { db, log, workerId } = options;
  const { heartbeatMs, sweepMs } = livenessIntervals(options.heartbeatTimeoutMs);
  const beat = () =>
    db.workerHeartbeat.upsert({
      where: { workerId },
      create: { workerId, hostname: os.hostname().slice(0, 255), pid: process.pid },
      update: { lastSeenAt: new Date() },
    });
  const sweep = async () => {
    // One "now" for both halves: a worker whose heartbeat goes stale while the
    // engine is listed must not be rescued before its containers count as orphans
    // (a retry would then run beside the previous attempt's container).
    const now = new Date();
    if (options.removeOrphans) {
      try {
        const removed = await options.removeOrphans(now);
        if (removed.length > 0) log.warn({ workerId, removed }, "removed build containers of workers that stopped responding");
      } catch (error) {
        // An engine that is down must not stop the rescue of stuck deployments.
        log.debug({ err: error, workerId }, "could not look for orphaned build containers");
      }
    }
    const result = await recoverStuckBuilds(db, { heartbeatTimeoutMs: options.heartbeatTimeoutMs, now });
    if (hasRecovered(result)) {
      log.warn({ workerId, ...result }, "rescued deployments whose worker stopped responding");
    }
  };
  const guard = (what: string, task: () => Promise<unknown>) => {
    let running = false; // a slow sweep is not started twice
    return () => {
      if (running) return;
      running = true;
      task()
        .catch((error: unknown) => log.error({ err: error, workerId }, `${what} failed`))
        .finally(() => {
          running = false;
        });
    };
  };

  await beat();
  const sweepOnce = guard("stuck-build sweep", sweep);
  sweepOnce();
  const timers = [setInterval(guard("heartbeat", beat), heartbeatMs), setInterval(sweepOnce, sweepMs)];
  // A timer of its own: a slow engine or bucket never delays the rescue.
  if (options.removeLeftovers) timers.push(setInterval(guard("leftover sweep", options.removeLeftovers), options.leftoverSweepMs ?? LEFTOVER_SWEEP_MS));
  for (const timer of timers) timer.unref();
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      // A clean stop is not a death: drop the row so nobody waits for it.
      await db.workerHeartbeat.deleteMany({ where: { workerId } }).catch(() => undefined);
    },
  };
}

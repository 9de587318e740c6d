import os from "node:os";
import type { Logger } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { hasRecovered, recoverStuckBuilds } from "./tasks/recover-stuck-builds.js";

// This worker's heartbeat, and the sweep that rescues deployments whose
// worker died (ADR 0009). Every worker runs both; the sweep's steps are
// guarded, so several workers sweeping at once do no harm.

const HEARTBEAT_MS = 5_000;
const SWEEP_MS = 15_000;

export interface Liveness {
  stop(): Promise<void>;
}

export async function startLiveness(options: { db: Database; log: Logger; workerId: string; heartbeatTimeoutMs: number }): Promise<Liveness> {
  const { db, log, workerId } = options;
  const beat = () =>
    db.workerHeartbeat.upsert({
      where: { workerId },
      create: { workerId, hostname: os.hostname().slice(0, 255), pid: process.pid },
      update: { lastSeenAt: new Date() },
    });
  const sweep = async () => {
    const result = await recoverStuckBuilds(db, { heartbeatTimeoutMs: options.heartbeatTimeoutMs });
    if (hasRecovered(result)) {
      log.warn({ workerId, ...result }, "rescued deployments whose worker stopped responding");
    }
  };
  const guard = (what: string, task: () => Promise<unknown>) => () => {
    task().catch((error: unknown) => log.error({ err: error, workerId }, `${what} failed`));
  };

  await beat();
  guard("stuck-build sweep", sweep)();
  const heartbeat = setInterval(guard("heartbeat", beat), HEARTBEAT_MS);
  const sweeper = setInterval(guard("stuck-build sweep", sweep), SWEEP_MS);
  heartbeat.unref();
  sweeper.unref();
  return {
    async stop() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      // A clean stop is not a death: drop the row so nobody waits for it.
      await db.workerHeartbeat.deleteMany({ where: { workerId } }).catch(() => undefined);
    },
  };
}

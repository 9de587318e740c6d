import { EventEmitter } from "node:events";
import type Docker from "dockerode";
import { run, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import type { Env } from "@autostack/api/env";
import { createMailer, type Logger } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { createDockerClient } from "./builder/runners/docker/docker-client.js";
import { removeOrphanContainers } from "./builder/orphans.js";
import { createGraphileLogger } from "./graphile-logger.js";
import { startLiveness } from "./liveness.js";
import { createTaskList, crontab } from "./tasks/index.js";
import { createLeftoverSweeper } from "./tasks/recover-stuck-builds.js";

export interface WorkerDeps {
  env: Env;
  db: Database;
  log: Logger;
}

export interface WorkerOptions {
  /** How often to look for retries and scheduled jobs; new jobs arrive at once through LISTEN/NOTIFY. */
  pollInterval?: number;
  /** The maintenance schedule; tests pass "" so that no minute tick adds jobs under their feet. */
  crontab?: string;
  /** How often this worker sweeps the leftovers of finished and deleted deployments (default: liveness.ts). */
  leftoverSweepMs?: number;
}

export interface RunningWorker {
  /** graphile-worker's id for this process: the `locked_by` of the jobs it holds. */
  workerId: string;
  events: WorkerEvents;
  /** Settles when the worker has stopped; rejects when it died of a fatal error. */
  done: Promise<void>;
  /** Takes no new jobs, lets running ones finish and records their outcome. */
  stop(): Promise<void>;
}

export async function startWorker({ env, db, log }: WorkerDeps, options: WorkerOptions = {}): Promise<RunningWorker> {
  const events: WorkerEvents = new EventEmitter();
  let workerId: string | undefined;
  events.on("pool:create", ({ workerPool }) => {
    workerId = workerPool.id;
  });

  // Our own pool, so that an idle connection dropped by the server (a
  // PostgreSQL restart, or its shutdown racing ours) is logged, never an
  // unhandled 'error' that kills the process; graphile-worker reconnects.
  // graphile-worker's advice on size: at least 10, or concurrency + 2.
  const pgPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Math.max(10, env.WORKER_CONCURRENCY + 2) });
  const onConnectionError = (error: Error) => log.warn({ err: error.message }, "a job-queue connection failed");
  pgPool.on("error", onConnectionError);
  pgPool.on("connect", (client) => client.on("error", onConnectionError));

  const runner = await run({
    pgPool,
    concurrency: env.WORKER_CONCURRENCY,
    pollInterval: options.pollInterval ?? 2000,
    // The entry point handles signals, so it can also close the database.
    noHandleSignals: true,
    taskList: createTaskList({ db, env, mailer: createMailer(env, db, log) }),
    crontab: options.crontab ?? crontab,
    logger: createGraphileLogger(log, () => workerId),
    events,
    preset: {
      worker: {
        // The default (-1) writes a job's completion or failure without
        // awaiting it, so a stop right after a job can close the pool first:
        // the job stays locked for 4 hours and then runs again. A batcher with
        // no delay is awaited on stop (see STACK.md).
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });

  const id = workerId ?? "unknown";
  const heartbeatTimeoutMs = env.WORKER_HEARTBEAT_TIMEOUT_MS;
  // Build containers of dead workers keep running in the engine; a bubblewrap
  // sandbox dies with its worker (--die-with-parent), so has nothing to sweep.
  let docker: Docker | undefined;
  const removeOrphans =
    env.BUILD_RUNNER === "docker"
      ? (now: Date) => removeOrphanContainers((docker ??= createDockerClient(env.DOCKER_HOST)), db, { heartbeatTimeoutMs, now })
      : undefined;
  const sweepLeftovers = createLeftoverSweeper(db, env);
  const removeLeftovers = () =>
    sweepLeftovers({
      onRemoved: (message, meta) => log.info({ workerId: id, ...meta }, message),
      onError: (message, error) => log.warn({ err: error, workerId: id }, message),
    });
  const liveness = await startLiveness({
    db,
    log,
    workerId: id,
    heartbeatTimeoutMs,
    ...(removeOrphans ? { removeOrphans } : {}),
    removeLeftovers,
    ...(options.leftoverSweepMs ? { leftoverSweepMs: options.leftoverSweepMs } : {}),
  });
  log.info({ workerId: id, concurrency: env.WORKER_CONCURRENCY }, "worker started");
  let stopping: Promise<void> | undefined;
  return {
    workerId: id,
    events,
    done: runner.promise,
    // Jobs finish first; the heartbeat lasts until they have.
    stop: () => (stopping ??= runner.stop().then(() => liveness.stop()).finally(() => pgPool.end())),
  };
}

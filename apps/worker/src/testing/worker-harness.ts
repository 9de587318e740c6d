import { inject } from "vitest";
import { pino } from "pino";
import { parseEnv, type Env } from "@autostack/api/env";
import { createJobQueue, type CreateDeploymentInput, type JobQueue } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { startWorker, type RunningWorker, type WorkerOptions } from "../runner.js";

// A worker on a fresh database of its own (no cron schedule unless asked: a
// minute tick would add jobs under the tests' feet), with its log lines captured as
// parsed JSON, and a queue to give it jobs — as the web process would.

export const TEST_SECRET = "test-secret-that-is-at-least-32-characters-long";

/** A deployment of `repository`'s main branch with no install or build command, served from its root; tests override what they check. */
export function deploymentInput(repository: string, overrides: Partial<CreateDeploymentInput> = {}): CreateDeploymentInput {
  return { repository, branch: "main", buildCommand: "", installCommand: null, outputDir: ".", rootDirectory: null, envVars: [], ...overrides };
}

export interface QueuedJob {
  id: string;
  task: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedBy: string | null;
}

export interface WorkerHarness {
  env: Env;
  db: Database;
  database: TestDatabase;
  queue: JobQueue;
  worker: RunningWorker;
  logs: Record<string, unknown>[];
  /** Jobs still in the queue (completed jobs are deleted). */
  jobs(): Promise<QueuedJob[]>;
  /** Adds a job for any task with any payload, bypassing the typed queue. */
  addRawJob(task: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

export function workerEnv(databaseUrl: string, overrides: Record<string, string> = {}): Env {
  return parseEnv({ NODE_ENV: "test", DATABASE_URL: databaseUrl, JWT_SECRET: TEST_SECRET, LOG_LEVEL: "info", REPOSITORY_CHECK: "false", ...overrides });
}

export async function createWorkerHarness(envOverrides: Record<string, string> = {}, options: WorkerOptions = {}): Promise<WorkerHarness> {
  const database = await createTestDatabase(inject("adminUrl"));
  const env = workerEnv(database.url, envOverrides);
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const queue = await createJobQueue(database.url);
  const worker = await startWorker({ env, db: database.db, log }, { pollInterval: 100, crontab: "", ...options });

  return {
    env,
    db: database.db,
    database,
    queue: queue.queue,
    worker,
    logs,
    async jobs() {
      const rows = await database.db.$queryRaw<
        { id: bigint; task_identifier: string; attempts: number; max_attempts: number; last_error: string | null; locked_by: string | null }[]
      >`SELECT id, task_identifier, attempts, max_attempts, last_error, locked_by FROM graphile_worker.jobs ORDER BY id`;
      return rows.map((r) => ({
        id: String(r.id),
        task: r.task_identifier,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        lastError: r.last_error,
        lockedBy: r.locked_by,
      }));
    },
    async addRawJob(task, payload) {
      await database.db.$executeRaw`SELECT graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json)`;
    },
    async close() {
      await worker.stop();
      await queue.release();
      await database.drop();
    },
  };
}

/** Polls until `check` returns something truthy. */
export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs = 10_000, what = "condition" } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

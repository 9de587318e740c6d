import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createJobQueue } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { inject } from "vitest";
import { startTestSmtpServer, type TestSmtpServer } from "./testing/smtp-server.js";
import { TEST_SECRET, waitFor } from "./testing/worker-harness.js";

// The real entry point (`pnpm dev` runs it the same way), in its own process,
// with exactly the environment given here.

const workerDir = fileURLToPath(new URL("..", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

interface WorkerProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [tsxCli, "--conditions=source", "src/index.ts"], { cwd: workerDir, env });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => stdout.push(...chunk.split("\n").filter(Boolean)));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr.push(...chunk.split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

describe("worker entry point with bad configuration", () => {
  it.each([
    [{}, "Invalid configuration: DATABASE_URL is required"],
    [{ DATABASE_URL: "postgresql://127.0.0.1:1/none" }, "Invalid configuration: JWT_SECRET is required"],
    [{ DATABASE_URL: "postgresql://127.0.0.1:1/none", JWT_SECRET: "short" }, "Invalid configuration: JWT_SECRET must be at least 32 characters"],
  ])("exits non-zero with one line naming the variable (%j)", async (env, message) => {
    const worker = spawnWorker(env);
    expect(await worker.exited).toBe(1);
    expect(worker.stderr).toEqual([message]);
    expect(worker.stdout).toEqual([]);
  });
});

describe("worker entry point receiving SIGTERM", () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    if (worker?.child.exitCode === null) worker.child.kill("SIGKILL");
    await smtp?.close();
    await database?.drop();
  });

  it("finishes the running job, records it and exits 0", async () => {
    database = await createTestDatabase(inject("adminUrl"));
    smtp = await startTestSmtpServer({ acceptDelayMs: 1500 });
    worker = spawnWorker({ DATABASE_URL: database.url, JWT_SECRET: TEST_SECRET, SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtp.port), NODE_ENV: "production" });
    const logLines = () => worker!.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    const started = await waitFor(() => logLines().find((l) => l.msg === "worker started"), { timeoutMs: 30_000, what: "the worker to start" });
    expect(started).toMatchObject({ name: "worker", level: 30, workerId: expect.stringMatching(/^pool-/) });

    const queue = await createJobQueue(database.url);
    await queue.queue.add("send-email", { to: "owner@example.com", subject: "In flight", text: "sent during shutdown" });
    await queue.release();
    await smtp.receiving();
    worker.child.kill("SIGTERM");

    expect(await worker.exited).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect(await database.db.$queryRaw`SELECT id FROM graphile_worker.jobs`).toEqual([]);
    expect(logLines().map((l) => l.msg)).toEqual(expect.arrayContaining(["stopping: no new jobs, waiting for running ones to finish", "worker stopped"]));
    expect(worker.stderr).toEqual([]);
  }, 60_000);
});

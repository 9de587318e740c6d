// Child process of bench/build-start.mjs: graphile-worker configured exactly
// as apps/worker/src/runner.ts configures it (concurrency, pool, poll
// interval, batch delays), with one task that does nothing but report when
// it started. Its pickup latency is graphile-worker's own, the baseline that
// the build task's start is compared with.
import { importFrom } from "../lib.mjs";

const { run, Logger } = await importFrom("apps/worker", "graphile-worker");

const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 2);
const runner = await run({
  connectionString: process.env.DATABASE_URL,
  concurrency,
  maxPoolSize: Math.max(10, concurrency + 2),
  pollInterval: 2000,
  noHandleSignals: true,
  logger: new Logger(() => () => undefined),
  taskList: {
    noop: async (payload) => {
      // Date.now(), like the build's started_at (timestamp(3)): same resolution on both sides.
      process.send({ i: payload.i, startedAt: Date.now() });
    },
  },
  preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
});

process.on("message", (message) => {
  if (message === "stop") void runner.stop().then(() => process.exit(0));
});
process.send({ ready: true });

// Child process of bench/log-stream.mjs in the worker's role: writes a
// build's output through the worker's LogSink (its real batching, appendLogs
// with rows + NOTIFY) at a fixed rate, each line carrying its send time. The
// append is timed so the latency can be split into batching and writing.
import { importBuilt, now, sleep } from "../lib.mjs";

const { createDatabase } = await importBuilt("packages/db/dist/index.js");
const { appendLogs } = await importBuilt("packages/api/dist/services/index.js");
const { LogSink } = await importBuilt("apps/worker/dist/builder/log-sink.js");

const deploymentId = process.env.BENCH_DEPLOYMENT_ID;
const rate = Number(process.env.BENCH_LOG_RATE);
const seconds = Number(process.env.BENCH_LOG_SECONDS);
const total = rate * seconds;
const LINE = /^line (\d+) /;

const db = createDatabase(process.env.DATABASE_URL); // the worker's pool size
await db.$queryRaw`SELECT 1`; // connect before the clock starts
const sentAt = new Array(total).fill(0);
const flushedAt = new Array(total).fill(0);
const committedAt = new Array(total).fill(0);

const sink = new LogSink(async (lines) => {
  const flushed = now();
  const result = await appendLogs(db, deploymentId, lines);
  const committed = now();
  for (const line of lines) {
    const seq = Number(LINE.exec(line.message)?.[1]);
    flushedAt[seq] = flushed;
    committedAt[seq] = committed;
  }
  return result;
}, (text) => text);

process.once("message", async () => {
  const start = now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const at = now();
      sentAt[sent] = at;
      sink.output("stdout", `line ${sent} sent ${at.toFixed(3)} ${"x".repeat(40)}`);
    }
    await sleep(1);
  }
  const produceSeconds = (now() - start) / 1000;
  await sink.close();
  await db.$disconnect();
  process.send({ produceSeconds, sentAt, flushedAt, committedAt }, () => process.exit(0));
});
process.send({ ready: true });

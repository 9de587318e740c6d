// Benchmark 2: a build's log line → WebSocket client. Target: p99 under
// 50 ms at 5,000 lines/s, no line lost.
//
// The real path end to end: lines go into the worker's LogSink (batched
// appendLogs: deployment_logs rows + NOTIFY on commit), the production web
// server (apps/web/build/server-node, its own process) hears the event on its
// LISTEN connection, reads the new rows and sends them on the spec's raw
// WebSocket /api/deployments/:id/logs/stream?token=… to our client. Each line
// carries its send time in its text; the client measures the latency on the
// same clock and counts lost, duplicated and out-of-order lines. At the end
// the deployment succeeds, and the server drains the stream and closes it.
import { fork } from "node:child_process";
import path from "node:path";
import {
  createBenchDatabase,
  freePort,
  importBuilt,
  importFrom,
  log,
  main,
  ms,
  now,
  onCleanup,
  platformEnv,
  printMachine,
  printTable,
  root,
  sleep,
  startProcess,
  summarize,
  tempDir,
  verdict,
} from "./lib.mjs";

const RATE = Number(process.env.BENCH_LOG_RATE ?? 5000); // lines per second
const SECONDS = Number(process.env.BENCH_LOG_SECONDS ?? 10);
const TARGET_P99_MS = 50;
const LINE = /^line (\d+) sent (\d+\.\d+)/;

await main(async () => {
  printMachine();
  const { createDatabase } = await importBuilt("packages/db/dist/index.js");
  const api = await importBuilt("packages/api/dist/index.js");
  const services = await importBuilt("packages/api/dist/services/index.js");
  const WebSocket = (await importFrom("apps/web", "ws")).default;

  const database = await createBenchDatabase();
  onCleanup(() => database.drop());
  const dataDir = await tempDir("log-stream");
  const port = await freePort();
  const serverEnv = platformEnv(database.url, {
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
  });
  const env = api.parseEnv(serverEnv);
  log(`database ${database.name}; starting the production web server on port ${port}`);
  await startProcess("web server", path.join(root, "apps/web/build/server-node/index.js"), serverEnv, "listening", { cwd: path.join(root, "apps/web") });

  // A user (over REST, as a client would) and a deployment that is building.
  const signup = await fetch(`http://127.0.0.1:${port}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench", email: `bench-${Date.now()}@example.com`, password: "correct-horse-battery" }),
  });
  if (signup.status !== 200) throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);
  const { user, accessToken } = await signup.json();
  const db = createDatabase(database.url);
  onCleanup(() => db.$disconnect());
  const project = await db.project.create({
    data: { userId: user.id, name: "logs", repository: "https://git.example.com/bench/logs.git", slug: "logs-b3nch1" },
  });
  const deployment = await db.deployment.create({
    data: { userId: user.id, projectId: project.id, slug: "logs-b3nch1-0001", repository: project.repository, buildCommand: "npm run build", outputDir: "dist" },
  });
  await services.markBuilding(db, deployment.id, { workerId: "bench" });

  const total = RATE * SECONDS;
  const received = new Uint8Array(total);
  const receivedAt = new Float64Array(total);
  const latencies = [];
  let duplicates = 0;
  let outOfOrder = 0;
  let lastSeq = -1;
  let foreign = 0;

  // The client.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/deployments/${deployment.id}/logs/stream?token=${accessToken}`);
  const events = [];
  let subscribed;
  const ready = new Promise((resolve) => (subscribed = resolve));
  const closed = new Promise((resolve, reject) => {
    ws.on("close", (code) => resolve(code));
    ws.on("error", reject);
  });
  ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe", deploymentId: deployment.id })));
  ws.on("message", (data) => {
    const at = now();
    const event = JSON.parse(String(data));
    if (event.type !== "log") {
      events.push(event);
      if (event.type === "status_update") subscribed();
      return;
    }
    const match = LINE.exec(event.message);
    if (!match) {
      foreign += 1;
      return;
    }
    const seq = Number(match[1]);
    if (received[seq]) {
      duplicates += 1;
      return;
    }
    received[seq] = 1;
    receivedAt[seq] = at;
    if (seq < lastSeq) outOfOrder += 1;
    lastSeq = seq;
    latencies.push(at - Number(match[2]));
  });
  await ready;
  onCleanup(() => ws.terminate());

  // The producer, in a process of its own like the worker.
  const producer = fork(path.join(root, "bench/support/log-producer.mjs"), [], {
    env: { ...serverEnv, BENCH_DEPLOYMENT_ID: deployment.id, BENCH_LOG_RATE: String(RATE), BENCH_LOG_SECONDS: String(SECONDS) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const producerExited = new Promise((resolve) => producer.once("exit", resolve));
  onCleanup(async () => {
    if (producer.exitCode === null && producer.signalCode === null) {
      producer.kill("SIGTERM");
      await producerExited;
    }
  });
  const messages = [];
  let nextMessage;
  producer.on("message", (message) => {
    messages.push(message);
    nextMessage?.();
  });
  const message = async () => {
    while (messages.length === 0) {
      await Promise.race([new Promise((resolve) => (nextMessage = resolve)), producerExited.then(() => Promise.reject(new Error("log producer exited")))]);
    }
    return messages.shift();
  };
  await message(); // ready
  log(`producing ${total} lines at ${RATE} lines/s for ${SECONDS} s`);
  producer.send("start");
  const { produceSeconds, sentAt, flushedAt, committedAt } = await message();
  log(`produced in ${produceSeconds.toFixed(2)} s (${Math.round(total / produceSeconds)} lines/s); finishing the deployment`);
  await services.markDeploying(db, deployment.id);
  await services.markSucceeded(db, env, deployment.id, { artifactKey: deployment.id, bytes: 0, files: 0 });
  const code = await Promise.race([closed, sleep(30_000).then(() => "timeout")]);

  const unique = received.reduce((a, b) => a + b, 0);
  const lost = total - unique;
  const latency = summarize(latencies);
  const parts = { sink: [], write: [], deliver: [] };
  for (let seq = 0; seq < total; seq++) {
    if (!committedAt[seq]) continue;
    parts.sink.push(flushedAt[seq] - sentAt[seq]);
    parts.write.push(committedAt[seq] - flushedAt[seq]);
    if (received[seq]) parts.deliver.push(receivedAt[seq] - committedAt[seq]);
  }
  const complete = events.at(-1);

  console.log("");
  printTable([
    ["", "n", "p50", "p95", "p99", "max"],
    ["line → WebSocket client", latency.n, ms(latency.p50), ms(latency.p95), ms(latency.p99), ms(latency.max)],
    ...Object.entries({
      "  waiting in LogSink's batch": parts.sink,
      "  appendLogs transaction (rows + NOTIFY)": parts.write,
      "  commit → client (LISTEN, read, send)": parts.deliver,
    })
      .map(([name, values]) => [name, summarize(values)])
      .map(([name, s]) => [name, s.n, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)]),
  ]);
  console.log("");
  console.log(`lines sent ${total}, received ${unique}, lost ${lost}, duplicated ${duplicates}, out of order ${outOfOrder}, other log lines ${foreign}`);
  console.log(`stream end: close code ${code}, last event ${complete?.type ?? "none"} (${complete?.status ?? ""})`);
  const pass = latency.p99 < TARGET_P99_MS && lost === 0 && duplicates === 0;
  console.log(`target: p99 < ${TARGET_P99_MS} ms at ${RATE} lines/s with 0 lost: p99 ${ms(latency.p99)}, lost ${lost} → ${verdict(pass)}`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({ benchmark: "log-stream", rate: RATE, seconds: SECONDS, achievedRate: total / produceSeconds, latency, sink: summarize(parts.sink), write: summarize(parts.write), deliver: summarize(parts.deliver), sent: total, received: unique, lost, duplicates, outOfOrder, pass })}`,
  );
});

import { createDatabase } from "@autostack/db";
import { parseEnv } from "../env.js";
import { processGitHubDelivery } from "../services/github-webhooks/process.js";

// A worker of its own for tests: processes one recorded webhook delivery
// (argv[2]) in a separate process, with its own module state (no in-memory
// cache shared with the test's "web" side), and prints the outcome.

const deliveryId = process.argv[2];
if (!deliveryId) throw new Error("usage: process-delivery-cli <delivery id>");
const env = parseEnv(process.env);
const db = createDatabase(env.DATABASE_URL);
try {
  process.stdout.write(`${(await processGitHubDelivery({ db, env }, deliveryId)) ?? "null"}\n`);
} finally {
  await db.$disconnect();
}

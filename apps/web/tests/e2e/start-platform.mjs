// Starts the built platform for the end-to-end tests, exactly as `pnpm start`
// does, on a fresh embedded PostgreSQL under .data/e2e, with mail going to the
// SMTP server that the tests themselves run.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const port = process.env.E2E_PORT ?? "3999";
const dataDir = path.join(root, ".data", "e2e");
rmSync(dataDir, { recursive: true, force: true });

const env = { ...process.env };
delete env.DATABASE_URL;
Object.assign(env, {
  NODE_ENV: "production",
  PORT: port,
  APP_URL: `http://localhost:${port}`,
  DATA_DIR: dataDir,
  EMBEDDED_POSTGRES_PORT: "54331",
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: "2526",
  SMTP_FROM: "Autostack <noreply@autostack.test>",
  // The journey signs in several times from one IP within a minute.
  RATE_LIMIT_AUTH_PER_MINUTE: "100",
  LOG_LEVEL: "warn",
});

const child = spawn("node", ["scripts/start.mjs"], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

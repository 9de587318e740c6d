import { loadEnv } from "@autostack/api/env";
import { createDatabase } from "@autostack/db";
import { createLogger, handleProcessErrors } from "@autostack/api/services";
import { startWorker } from "./runner.js";
import { stopOnSignals } from "./signals.js";

// The worker process: runs background jobs (mail, maintenance) from the
// PostgreSQL queue. Start as many as you like against one database.

const env = loadEnv();
const log = createLogger(env, "worker");
handleProcessErrors(log);
const db = createDatabase(env.DATABASE_URL);

try {
  const worker = await startWorker({ env, db, log });
  stopOnSignals(async () => {
    try {
      await worker.stop();
      await db.$disconnect();
      log.info({ workerId: worker.workerId }, "worker stopped");
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "worker did not stop cleanly");
      process.exit(1);
    }
  }, log);
  // A supervisor (Docker, systemd, pnpm start) should restart a dead worker.
  worker.done.catch((error: unknown) => {
    log.fatal({ err: error, workerId: worker.workerId }, "worker stopped after a fatal error");
    process.exit(1);
  });
} catch (error) {
  log.fatal({ err: error }, "worker could not start");
  await db.$disconnect().catch(() => undefined);
  process.exit(1);
}

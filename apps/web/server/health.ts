import express from "express";
import type { Deps } from "@autostack/api";

// Probes for load balancers and orchestrators. /healthz: the process is up
// (restart it if not). /readyz: it can serve, i.e. reach PostgreSQL (stop
// sending traffic if not). Neither needs authentication nor touches sessions.

const READINESS_TIMEOUT_MS = 2000;

async function databaseReachable(deps: Pick<Deps, "db">): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([deps.db.$queryRaw`SELECT 1`, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthRouter(deps: Pick<Deps, "db" | "log">): express.Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    try {
      await databaseReachable(deps);
      res.json({ status: "ready", database: "ok" });
    } catch (error) {
      deps.log.warn({ err: error }, "readiness check failed: database unreachable");
      res.status(503).json({
        status: "unavailable",
        database: "unreachable",
        error: { code: "SERVICE_UNAVAILABLE", message: "The database is unreachable", statusCode: 503, details: {} },
      });
    }
  });
  return router;
}

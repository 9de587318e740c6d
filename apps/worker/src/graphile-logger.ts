import { Logger as GraphileLogger, type Job } from "graphile-worker";
import type { Logger } from "@autostack/api/services";

// graphile-worker and the tasks (through helpers.logger) log with graphile's
// Logger; this one writes JSON lines through pino, tagged with the worker, job
// and task. Graphile's metadata carries whole job rows, whose payloads hold
// mail bodies with reset links, so a job is reduced to its identity and other
// objects are dropped.

const levels = { error: "error", warning: "warn", info: "info", debug: "debug" } as const;

export function createGraphileLogger(log: Logger, workerId: () => string | undefined): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const method = levels[level as keyof typeof levels] ?? "info";
    log[method]({ workerId: workerId(), jobId: scope.jobId, task: scope.taskIdentifier, ...safeMeta(meta) }, message);
  });
}

function safeMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (key === "job" && value) {
      const job = value as Job;
      safe.job = { id: job.id, task: job.task_identifier, attempts: job.attempts, maxAttempts: job.max_attempts };
    } else if ((key === "error" || key === "fatalError") && value instanceof Error) {
      safe.err = value;
    } else if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      safe[key] = value;
    }
  }
  return safe;
}

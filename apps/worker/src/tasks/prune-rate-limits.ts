import type { Task } from "graphile-worker";
import { pruneRateLimits } from "@autostack/api/services";
import type { Database } from "@autostack/db";

/** Drops rate-limit windows older than a day; scheduled hourly (see crontab). */
export function createPruneRateLimitsTask({ db }: { db: Database }): Task {
  return async (_payload, helpers) => {
    const removed = await pruneRateLimits(db);
    helpers.logger.info("old rate-limit windows pruned", { removed });
  };
}

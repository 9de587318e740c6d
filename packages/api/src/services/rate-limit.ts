import type { Database } from "@autostack/db";
import { RateLimitError } from "../errors.js";

export interface RateLimitRule {
  key: string;
  limit: number;
  windowSeconds: number;
  /** What the user reads once the window is spent, naming the configured limit (clients show it as it is). */
  message?: string;
}

/**
 * Fixed-window counter in PostgreSQL, so the limit holds across every web
 * process. Throws RateLimitError (429 + Retry-After) once the window is spent.
 * Inside a transaction the use is counted only if the transaction commits.
 */
export async function consumeRateLimit(db: Pick<Database, "$queryRaw">, rule: RateLimitRule, now = new Date()): Promise<void> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${rule.key}, ${windowStart}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
    RETURNING count`;
  const count = Number(rows[0]?.count ?? 0);
  if (count > rule.limit) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
    throw new RateLimitError(retryAfter, rule.message);
  }
}

/** Drops windows older than a day; run periodically by the worker. */
export async function pruneRateLimits(db: Database, now = new Date()): Promise<number> {
  const result = await db.rateLimit.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 86_400_000) } } });
  return result.count;
}

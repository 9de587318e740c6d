import type { JobHelpers } from "graphile-worker";

/**
 * Makes the running job's next failure final. graphile-worker 0.18 has no API
 * for "do not retry": a job is permanently failed once attempts reach
 * max_attempts, and then keeps its row and last_error for inspection (unlike
 * completing it, which deletes the row and loses the evidence). Call this,
 * then throw. It writes graphile-worker's private table, so a test pins the
 * behaviour across upgrades.
 */
export async function preventRetries(helpers: JobHelpers): Promise<void> {
  await helpers.query("UPDATE graphile_worker._private_jobs SET max_attempts = attempts WHERE id = $1", [helpers.job.id]);
}

/** The ids tasks receive (deployments, projects). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A payload that can never succeed: the job fails once, for good, saying why. */
export async function failMalformed(helpers: JobHelpers, task: string, problem: string): Promise<never> {
  await preventRetries(helpers);
  throw new Error(`Malformed ${task} payload (not retried): ${problem}`);
}

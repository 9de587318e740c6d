import type { Database } from "@autostack/db";
import { publishEvent } from "../../events.js";
import type { Tx } from "./build-job.js";

// Writing log lines. `seq` comes from one global sequence, and a reader
// resumes from the last seq it saw, so for one deployment seq order must be
// commit order: a line with a smaller seq committing after a reader moved
// past it would be lost to that reader. Every writer (worker batches, the
// platform's own lines on cancel or retry) therefore takes a per-deployment
// advisory lock before inserting, held until its transaction commits.

export type LogLevel = "info" | "warning" | "error";

export interface LogLineInput {
  level: LogLevel | "warn";
  message: string;
  timestamp?: Date;
}

/** A longer line is cut: one runaway line must not bloat the table or the UI. */
export const MAX_LOG_LINE = 8192;
const CHUNK = 5000;
const LOG_LOCK_CLASS = 0x6c6f6773; // "logs"

function cleanMessage(message: string): string {
  // PostgreSQL text cannot hold NUL.
  const text = message.replaceAll("\u0000", "");
  return text.length > MAX_LOG_LINE ? `${text.slice(0, MAX_LOG_LINE)}… [line truncated]` : text;
}

function cleanLevel(level: string): LogLevel {
  if (level === "warn" || level === "warning") return "warning";
  return level === "error" ? "error" : "info";
}

/**
 * Inserts lines inside the caller's transaction (one multi-row INSERT per
 * 5,000 lines) and publishes `deployment.logs`, delivered on commit.
 * Returns the last seq written.
 */
export async function insertLogLines(tx: Tx, deploymentId: string, lines: LogLineInput[]): Promise<string | null> {
  if (lines.length === 0) return null;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOG_LOCK_CLASS}::int, hashtext(${deploymentId}::text))`;
  const now = new Date();
  let lastSeq: bigint | undefined;
  for (let i = 0; i < lines.length; i += CHUNK) {
    const rows = await tx.deploymentLog.createManyAndReturn({
      data: lines.slice(i, i + CHUNK).map((line) => ({
        deploymentId,
        logLevel: cleanLevel(line.level),
        message: cleanMessage(line.message),
        timestamp: line.timestamp ?? now,
      })),
      select: { seq: true },
    });
    for (const row of rows) if (lastSeq === undefined || row.seq > lastSeq) lastSeq = row.seq;
  }
  const last = String(lastSeq);
  await publishEvent(tx, { type: "deployment.logs", deploymentId, lastSeq: last });
  return last;
}

/**
 * The worker's entry point for build output. Returns the last seq, or null
 * when the deployment no longer exists (deleted mid-build: stop building).
 */
export async function appendLogs(db: Database, deploymentId: string, lines: LogLineInput[]): Promise<{ lastSeq: string } | null> {
  if (lines.length === 0) return null;
  try {
    const lastSeq = await db.$transaction((tx) => insertLogLines(tx, deploymentId, lines));
    return lastSeq === null ? null : { lastSeq };
  } catch (error) {
    if ((error as { code?: string }).code === "P2003") return null;
    throw error;
  }
}

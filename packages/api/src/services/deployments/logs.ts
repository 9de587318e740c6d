import type { Database } from "@autostack/db";
import { findOwnedDeployment, type DeploymentDeps } from "./access.js";
import type { LogLevel } from "./log-writer.js";

// Reading build logs in pages. A line's id is its seq (a decimal string:
// bigint-safe in JSON), which is also the cursor and the subscription's
// event id, so every way of reading the log agrees on positions.
//   forward (default): lines after `cursor` (from the start without one);
//     nextCursor is the cursor of the following page.
//   backward: the page just before `before` (or before `cursor` with
//     direction=backward), or the last page without either; lines are still
//     in ascending order and nextCursor is the `before` of the older page.
// nextCursor is null when nothing more exists right now.

export interface LogLine {
  id: string;
  timestamp: string;
  level: LogLevel;
  message: string;
}

export interface LogPage {
  logs: LogLine[];
  nextCursor: string | null;
}

export interface LogPageQuery {
  cursor?: string;
  before?: string;
  direction: "forward" | "backward";
  limit: number;
}

interface LogRow {
  seq: bigint;
  timestamp: Date;
  logLevel: string | null;
  message: string;
}

const logRowSelect = { seq: true, timestamp: true, logLevel: true, message: true } as const;

export function toLogLine(row: LogRow): LogLine {
  const level = row.logLevel === "warning" || row.logLevel === "error" ? row.logLevel : "info";
  return { id: String(row.seq), timestamp: row.timestamp.toISOString(), level, message: row.message };
}

/** Lines with seq > `after`, ascending (the subscription's reader too). */
export function readLinesAfter(db: Database, deploymentId: string, after: bigint, limit: number): Promise<LogRow[]> {
  return db.deploymentLog.findMany({
    where: { deploymentId, seq: { gt: after } },
    orderBy: { seq: "asc" },
    take: limit,
    select: logRowSelect,
  });
}

export async function readLogPage(deps: DeploymentDeps, userId: string, id: string, query: LogPageQuery): Promise<LogPage> {
  await findOwnedDeployment(deps.db, userId, id, { id: true });
  const before = query.before ?? (query.direction === "backward" ? query.cursor : undefined);
  // One extra row tells whether another page exists.
  if (before !== undefined || query.direction === "backward") {
    const rows = await deps.db.deploymentLog.findMany({
      where: { deploymentId: id, ...(before !== undefined ? { seq: { lt: BigInt(before) } } : {}) },
      orderBy: { seq: "desc" },
      take: query.limit + 1,
      select: logRowSelect,
    });
    const page = rows.slice(0, query.limit).reverse();
    return { logs: page.map(toLogLine), nextCursor: rows.length > query.limit ? String(page[0]!.seq) : null };
  }
  const rows = await readLinesAfter(deps.db, id, BigInt(query.cursor ?? "0"), query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { logs: page.map(toLogLine), nextCursor: rows.length > query.limit ? String(page.at(-1)!.seq) : null };
}

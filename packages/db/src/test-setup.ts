import { format } from "node:util";
import { afterEach, beforeEach } from "vitest";

// Every vitest file of the workspace runs this first (vitest-config.ts): a
// console.error that a test did not ask for fails that test, so an error
// swallowed into a log line cannot hide behind a green run. A test that
// expects one calls allowConsoleError() (testing.ts). Unhandled rejections
// and uncaught exceptions already fail the run: vitest reports them as errors.

const ALLOWED = Symbol.for("autostack.test.allowConsoleError");
type Flagged = typeof globalThis & { [ALLOWED]?: boolean };

const original = console.error;
let unexpected: string[] = [];

beforeEach(() => {
  unexpected = [];
  (globalThis as Flagged)[ALLOWED] = false;
  console.error = (...args: unknown[]) => {
    if (!(globalThis as Flagged)[ALLOWED]) unexpected.push(format(...args));
    original(...args);
  };
});

afterEach(() => {
  console.error = original;
  if (unexpected.length > 0) {
    const first = unexpected[0]!.slice(0, 500);
    throw new Error(`Unexpected console.error during this test (${unexpected.length}×); call allowConsoleError() if it is expected:\n${first}`);
  }
});

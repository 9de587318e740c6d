import { it } from "vitest";
import { allowConsoleError } from "../testing.js";

// Run by test-setup.test.ts in a vitest of its own, never by the suite.
it("writes an unexpected console.error", () => {
  console.error("an error nobody expected");
});

it("writes an expected console.error", () => {
  allowConsoleError();
  console.error("an error this test expects");
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness } from "./testing/harness.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

it("db:seed creates a demo user that can sign in, and is idempotent", async () => {
  const env = { ...process.env, DATABASE_URL: h.database.url };
  for (let i = 0; i < 2; i++) {
    const { stdout } = await run("node_modules/.bin/tsx", ["--conditions=source", "scripts/seed.ts"], { cwd: packageDir, env });
    expect(stdout).toContain("seeded demo user demo@autostack.dev");
  }
  expect(await h.deps.db.user.count({ where: { email: "demo@autostack.dev" } })).toBe(1);
  const result = await (await h.api()).auth.login({ email: "demo@autostack.dev", password: "autostack-demo", rememberMe: false });
  expect(result.user.name).toBe("Demo User");
}, 60_000);

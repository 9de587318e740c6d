import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

// The load context the server builds (server/remix.ts) must satisfy the type
// the Remix routes are written against (apps/web/load-context.ts). Neither
// the server build nor the UI's tsconfig sees both files, so this test
// type-checks them together (tests/server/tsconfig.json, which also covers
// these tests).

const webRoot = fileURLToPath(new URL("../..", import.meta.url));

it("server, tests and load-context.ts type-check together", async () => {
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const result = await promisify(execFile)(process.execPath, [tsc, "-p", "tests/server/tsconfig.json"], { cwd: webRoot }).then(
    () => "",
    (error: { stdout?: string; message: string }) => error.stdout || error.message,
  );
  expect(result).toBe("");
}, 60_000);

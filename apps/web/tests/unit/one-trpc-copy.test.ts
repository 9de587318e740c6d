import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The web server recognises what packages/api's procedures make (tracked()
// envelopes, TRPCError) by identity: with two installed copies of
// @trpc/server (pnpm makes one per set of optional peers present) the raw
// log stream silently dropped every event. Both must load the same copy.

const resolveFrom = (dir: string) => realpathSync(createRequire(new URL(`${dir}/package.json`, import.meta.url)).resolve("@trpc/server"));

describe("@trpc/server", () => {
  it("is one copy for apps/web and packages/api", () => {
    const web = resolveFrom("../..");
    const api = resolveFrom("../../../../packages/api");
    expect(fileURLToPath(new URL("../..", import.meta.url))).toMatch(/apps\/web\/$/);
    expect(api).toBe(web);
  });
});

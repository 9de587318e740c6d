import { fileURLToPath } from "node:url";
import { workspaceTestConfig } from "@autostack/db/vitest-config";

// The bubblewrap tests (BUILD_RUNNER=bubblewrap) have their own config: they
// need bwrap (global-setup.ts skips them without it, unless REQUIRE_BWRAP or CI
// is set), and the build task tests also the PostgreSQL cluster of the unit
// tests (vitest.global-setup.ts). No Docker engine is involved.
//   cd apps/worker && npx vitest run --config tests/bubblewrap/vitest.config.ts
export default workspaceTestConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  include: ["tests/bubblewrap/**/*.test.ts"],
  globalSetup: ["tests/bubblewrap/global-setup.ts", "vitest.global-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
});

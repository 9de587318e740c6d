import { fileURLToPath } from "node:url";
import { workspaceTestConfig } from "@autostack/db/vitest-config";

// The Docker tests have their own config: they need an engine and the builder
// image (prepared once in global-setup.ts), and the build task tests also the
// PostgreSQL cluster of the unit tests (vitest.global-setup.ts).
//   cd apps/worker && npx vitest run --config tests/docker/vitest.config.ts
export default workspaceTestConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  include: ["tests/docker/**/*.test.ts"],
  globalSetup: ["tests/docker/global-setup.ts", "vitest.global-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 120_000,
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The Docker tests have their own config: they need an engine and the builder
// image (prepared once in global-setup.ts), not the database of the unit tests.
//   cd apps/worker && npx vitest run --config tests/docker/vitest.config.ts
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["tests/docker/**/*.test.ts"],
    globalSetup: ["tests/docker/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The Docker tests have their own config: they need an engine and the builder
// image (prepared once in global-setup.ts), and the build task tests also the
// PostgreSQL cluster of the unit tests (vitest.global-setup.ts).
//   cd apps/worker && npx vitest run --config tests/docker/vitest.config.ts
// Workspace packages are consumed from their TypeScript sources (the "source"
// export condition), as in ../../vitest.config.ts.
const conditions = ["source", "module", "node", "default"];

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] }, noExternal: [/^@autostack\//] },
  test: {
    include: ["tests/docker/**/*.test.ts"],
    globalSetup: ["tests/docker/global-setup.ts", "vitest.global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    server: { deps: { inline: [/^@autostack\//] } },
  },
});

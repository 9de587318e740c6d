import { defineConfig } from "vitest/config";

// Integration tests of the Node server (tests/server) against real
// PostgreSQL. Workspace packages are consumed from their TypeScript sources
// (the "source" export condition) and must be transformed by Vite, not loaded
// by Node. The Remix UI has its own Vite config; this file is only for vitest.
const conditions = ["source", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] }, noExternal: [/^@autostack\//] },
  test: {
    globalSetup: ["./tests/server/global-setup.ts"],
    include: ["tests/server/**/*.test.ts", "tests/unit/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    server: { deps: { inline: [/^@autostack\//] } },
  },
});

import { defineConfig } from "vitest/config";

// Workspace packages are consumed from their TypeScript sources (the "source"
// export condition) and must be transformed by Vite, not loaded by Node.
const conditions = ["source", "module", "node", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] }, noExternal: [/^@autostack\//] },
  test: {
    globalSetup: ["./vitest.global-setup.ts"],
    include: ["src/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    server: { deps: { inline: [/^@autostack\//] } },
  },
});

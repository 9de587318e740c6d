import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source", "module", "node", "default"] },
  ssr: { resolve: { conditions: ["source", "module", "node", "default"], externalConditions: ["source"] } },
  test: {
    globalSetup: ["./vitest.global-setup.ts"],
    include: ["src/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});

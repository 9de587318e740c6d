import { workspaceTestConfig } from "@autostack/db/vitest-config";

// Integration tests of the Node server (tests/server) against real PostgreSQL,
// and unit tests. The Remix UI has its own Vite config; this file is only for vitest.
export default workspaceTestConfig({
  include: ["tests/server/**/*.test.ts", "tests/unit/**/*.test.ts"],
  globalSetup: ["./tests/server/global-setup.ts"],
});

import { workspaceTestConfig } from "./src/vitest-config.js";

export default workspaceTestConfig({ include: ["src/**/*.test.ts"], globalSetup: ["./vitest.global-setup.ts"] });

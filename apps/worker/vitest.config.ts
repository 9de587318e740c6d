import { workspaceTestConfig } from "@autostack/db/vitest-config";

export default workspaceTestConfig({ include: ["src/**/*.test.ts"], globalSetup: ["./vitest.global-setup.ts"] });

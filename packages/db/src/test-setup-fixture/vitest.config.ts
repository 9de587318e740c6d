import { workspaceTestConfig } from "../vitest-config.js";

export default workspaceTestConfig({ include: ["*.fixture.ts"], globalSetup: [] });

import type { TestProject } from "vitest/node";
import { setupTestCluster } from "./src/testing.js";

export default (project: TestProject) => setupTestCluster(project);

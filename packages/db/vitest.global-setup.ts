import type { TestProject } from "vitest/node";
import { prepareTestCluster } from "./src/testing.js";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await prepareTestCluster();
  project.provide("adminUrl", cluster.adminUrl);
  return () => cluster.stop();
}

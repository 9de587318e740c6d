import { makeWorkerUtils } from "graphile-worker";
import type { TestProject } from "vitest/node";
import { prepareTestCluster } from "@autostack/db/testing";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // The template also carries graphile-worker's schema, so that every test
  // database can enqueue jobs.
  const cluster = await prepareTestCluster(async (templateUrl) => {
    const utils = await makeWorkerUtils({ connectionString: templateUrl });
    await utils.migrate();
    await utils.release();
  });
  project.provide("adminUrl", cluster.adminUrl);
  return () => cluster.stop();
}

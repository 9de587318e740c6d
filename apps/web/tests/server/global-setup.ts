import type { TestProject } from "vitest/node";
import { createJobQueue } from "@autostack/api/services";
import { prepareTestCluster } from "@autostack/db/testing";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

// One PostgreSQL for the run (TEST_DATABASE_URL / DATABASE_URL, or an
// embedded one) with a migrated template that every test file clones. The
// template also carries graphile-worker's schema, so servers can enqueue jobs.
export default async function setup(project: TestProject) {
  const cluster = await prepareTestCluster(async (templateUrl) => {
    const queue = await createJobQueue(templateUrl);
    await queue.release();
  });
  project.provide("adminUrl", cluster.adminUrl);
  return () => cluster.stop();
}

import type { TestProject } from "vitest/node";
import { setupTestCluster } from "@autostack/db/testing";
import { createJobQueue } from "../services/jobs.js";

// The vitest global setup of every package whose tests enqueue jobs (api,
// worker, web): one PostgreSQL for the run (TEST_DATABASE_URL / DATABASE_URL,
// or an embedded one) with a migrated template that every test file clones.
// The template also carries graphile-worker's schema.
export default (project: TestProject) =>
  setupTestCluster(project, async (templateUrl) => {
    const queue = await createJobQueue(templateUrl);
    await queue.release();
  });

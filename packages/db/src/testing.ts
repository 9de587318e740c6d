import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { createDatabase, type Database } from "./client.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { migrate } from "./migrate.js";

// Test databases on real PostgreSQL. The vitest global setup (in each package's
// vitest.config.ts) calls `prepareTestCluster` once per run: it uses
// TEST_DATABASE_URL / DATABASE_URL when given, or starts an embedded server,
// and migrates a template database. Each test file then clones the template
// (`createTestDatabase`), so files never see each other's rows.

// Each run migrates its own template, so concurrent runs against one server
// (several packages, several checkouts) never drop each other's template. The
// name travels inside the admin URL as its application_name, so harnesses only
// need the one provided URL.
function templateOf(adminUrl: string): string {
  const name = new URL(adminUrl).searchParams.get("application_name");
  if (!name?.startsWith("autostack_tpl_")) throw new Error("admin URL does not name a test template; use prepareTestCluster()");
  return name;
}
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

declare module "vitest" {
  export interface ProvidedContext {
    /** Maintenance URL of the run's test cluster (see prepareTestCluster). */
    adminUrl: string;
  }
}

export interface TestCluster {
  /** Connection URL of the maintenance database (`postgres`). */
  adminUrl: string;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function prepareTestCluster(
  extraTemplateSetup?: (templateUrl: string) => Promise<void>,
): Promise<TestCluster> {
  // eslint-disable-next-line no-restricted-properties
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let adminUrl: string;
  let stop = async () => undefined as void;
  if (given) {
    adminUrl = withDatabase(given, "postgres");
  } else {
    // eslint-disable-next-line no-restricted-properties
    const port = Number(process.env.TEST_EMBEDDED_POSTGRES_PORT ?? 54329);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(repoRoot, ".data", "test-postgres"), port });
    adminUrl = withDatabase(embedded.url, "postgres");
    stop = embedded.stop;
  }
  const template = `autostack_tpl_${randomBytes(5).toString("hex")}`;
  const url = new URL(adminUrl);
  url.searchParams.set("application_name", template);
  adminUrl = url.toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, template);
  await migrate(templateUrl);
  if (extraTemplateSetup) await extraTemplateSetup(templateUrl);
  return {
    adminUrl,
    async stop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
      await client.end();
      await stop();
    },
  };
}

/**
 * A vitest global setup's whole body: prepares the cluster, provides its
 * `adminUrl` to the test files (`inject("adminUrl")`), returns the teardown.
 */
export async function setupTestCluster(
  project: TestProject,
  extraTemplateSetup?: (templateUrl: string) => Promise<void>,
): Promise<() => Promise<void>> {
  const cluster = await prepareTestCluster(extraTemplateSetup);
  project.provide("adminUrl", cluster.adminUrl);
  return () => cluster.stop();
}

export interface TestDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

const DROP_GRACE_MS = 2000;

async function waitForNoConnections(client: pg.Client, database: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [database]);
    if (rows[0]!.n === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A fresh, migrated database cloned from the template for one test file. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `autostack_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateOf(adminUrl)}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const db = createDatabase(url, { max: 5 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // Pools that are closing (a job queue, an event bus) get a moment to go by themselves: a connection
        // FORCE terminates under a client that is still open surfaces as an unhandled 57P01 error.
        await waitForNoConnections(client, name, DROP_GRACE_MS);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export { withDatabase };

/** Lets the current test write to console.error without failing (test-setup.ts fails it otherwise). */
export function allowConsoleError(): void {
  (globalThis as { [key: symbol]: unknown })[Symbol.for("autostack.test.allowConsoleError")] = true;
}

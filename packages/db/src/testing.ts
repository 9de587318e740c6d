import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDatabase, type Database } from "./client.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { migrate } from "./migrate.js";

// Test databases on real PostgreSQL. The vitest global setup (in each package's
// vitest.config.ts) calls `prepareTestCluster` once per run: it uses
// TEST_DATABASE_URL / DATABASE_URL when given, or starts an embedded server,
// and migrates a template database. Each test file then clones the template
// (`createTestDatabase`), so files never see each other's rows.

const TEMPLATE = "autostack_test_template";
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

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
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(repoRoot, ".data", "test-postgres"), port: 54329 });
    adminUrl = withDatabase(embedded.url, "postgres");
    stop = embedded.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Serialise template creation across packages that run at the same time.
    await admin.query("SELECT pg_advisory_lock(7412019456)");
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    const templateUrl = withDatabase(adminUrl, TEMPLATE);
    await migrate(templateUrl);
    if (extraTemplateSetup) await extraTemplateSetup(templateUrl);
  } finally {
    await admin.query("SELECT pg_advisory_unlock(7412019456)").catch(() => undefined);
    await admin.end();
  }
  return { adminUrl, stop };
}

export interface TestDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the template for one test file. */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `autostack_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
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
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export { withDatabase };

import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "./client.js";
import { readPrismaSchema } from "./schema-reader.js";
import { listMigrations, migrate } from "./migrate.js";
import { withDatabase } from "./testing.js";

// Migrates an empty database with the offline runner and proves that the
// result is what the Prisma schema describes.

const adminUrl = inject("adminUrl");
const name = `autostack_migrate_${Date.now()}`;
const url = withDatabase(adminUrl, name);

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => adminQuery(`CREATE DATABASE ${name}`));
afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

describe("offline migrator", () => {
  it("applies every migration once and records Prisma's checksum rows", async () => {
    const first = await migrate(url);
    expect(first.applied).toEqual(await listMigrations());
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
    await client.end();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows.rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
    }
  });

  it("is safe when several processes migrate at once (advisory lock)", async () => {
    const concurrentName = `${name}_concurrent`;
    await adminQuery(`CREATE DATABASE ${concurrentName}`);
    try {
      const target = withDatabase(adminUrl, concurrentName);
      const results = await Promise.all([migrate(target), migrate(target), migrate(target)]);
      const appliedCounts = results.map((r) => r.applied.length).sort();
      expect(appliedCounts).toEqual([0, 0, (await listMigrations()).length]);
    } finally {
      await adminQuery(`DROP DATABASE IF EXISTS ${concurrentName} WITH (FORCE)`);
    }
  });

  it("produces exactly the tables and columns of the Prisma schema", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const columns = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    await client.end();
    const actual = new Map<string, Map<string, boolean>>();
    for (const c of columns.rows) {
      if (!actual.has(c.table_name)) actual.set(c.table_name, new Map());
      actual.get(c.table_name)!.set(c.column_name, c.is_nullable === "YES");
    }

    const expected = new Map<string, Map<string, boolean>>();
    for (const model of await readPrismaSchema()) {
      expected.set(model.table, new Map(model.columns.map((c) => [c.name, c.nullable])));
    }
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [table, fields] of expected) {
      expect(Object.fromEntries(actual.get(table)!), `columns of ${table}`).toEqual(Object.fromEntries(fields));
    }
  });

  it("lets Prisma query every model and every field", async () => {
    const db = createDatabase(url, { max: 2 });
    try {
      for (const model of await readPrismaSchema()) {
        const delegate = (db as unknown as Record<string, { findMany(args: unknown): Promise<unknown[]> }>)[
          model.name.charAt(0).toLowerCase() + model.name.slice(1)
        ];
        expect(delegate, `client delegate for ${model.name}`).toBeDefined();
        const select = Object.fromEntries(model.columns.map((c) => [c.field, true]));
        await expect(delegate!.findMany({ select, take: 1 })).resolves.toEqual([]);
      }
    } finally {
      await db.$disconnect();
    }
  });
});

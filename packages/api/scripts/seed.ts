// `pnpm db:seed`: a demo account to look around with. Idempotent.
// Uses DATABASE_URL, or the embedded database under .data/ (started here for
// the duration of the seed when the platform is not running).
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDatabase, migrate } from "@autostack/db";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@autostack/db/embedded";
import { hashPassword } from "../src/services/auth/passwords.js";

export const DEMO_USER = { name: "Demo User", email: "demo@autostack.dev", password: "autostack-demo" };

const root = fileURLToPath(new URL("../../..", import.meta.url));

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function resolveDatabaseUrl(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54320);
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/autostack`;
  if (await reachable(url)) return { url };
  const dataDir = path.resolve(root, process.env.DATA_DIR ?? ".data", "postgres");
  const embedded = await startEmbeddedPostgres({ dataDir, port, log: console.log });
  return { url: embedded.url, embedded };
}

const { url, embedded } = await resolveDatabaseUrl();
try {
  await migrate(url);
  const db = createDatabase(url, { max: 1 });
  const passwordHash = await hashPassword(DEMO_USER.password);
  const user = await db.user.upsert({
    where: { email: DEMO_USER.email },
    create: { name: DEMO_USER.name, email: DEMO_USER.email, passwordHash, emailVerified: true, preferences: { create: {} } },
    update: { passwordHash },
  });
  await db.$disconnect();
  console.log(`seeded demo user ${user.email} (password: ${DEMO_USER.password})`);
} finally {
  await embedded?.stop();
}

import { createHash } from "node:crypto";
import type { Database } from "@autostack/db";

// Which Autostack installation a build container belongs to (ADR 0014), for
// the label that lets the sweep remove a container of a deleted deployment
// whose worker is long gone, and never one of another installation on the
// same engine (another instance, a test database).
//
// An installation is its database, so the id is derived from it: the
// PostgreSQL cluster's system identifier (random, made by initdb; kept by
// replicas and failovers) and the database's OID. Every worker of one
// installation gets the same id without storing or coordinating anything,
// however it reaches the server (host names, proxies, credentials), and two
// installations never share one — not two stacks whose DATABASE_URLs read
// alike (`db:5432/autostack`), not test databases of one server. DATA_DIR
// would not do: workers on several hosts have one each, and test workers of
// different databases share one. A database restored from a dump gets a new
// id: containers made before are then treated as another installation's.

const ids = new WeakMap<Database, Promise<string | null>>();

async function lookUp(db: Database): Promise<string | null> {
  try {
    const [row] = await db.$queryRaw<{ cluster: string; database: string }[]>`
      SELECT (SELECT system_identifier FROM pg_control_system())::text AS cluster,
             (SELECT oid FROM pg_database WHERE datname = current_database())::text AS database`;
    return row ? createHash("sha256").update(`${row.cluster}/${row.database}`).digest("hex").slice(0, 24) : null;
  } catch {
    return null;
  }
}

/**
 * This installation's id; null when the server does not tell (a PostgreSQL
 * look-alike without pg_control_system, or the database is unreachable just
 * now; asked again next time). Looked up once per database client.
 */
export async function installationId(db: Database): Promise<string | null> {
  let id = ids.get(db);
  if (!id) {
    id = lookUp(db);
    ids.set(db, id);
  }
  const found = await id;
  if (found === null) ids.delete(db);
  return found;
}

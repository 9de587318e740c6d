import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { readRepositoryView } from "./repository-files.js";

// The limits of reading a hostile repository, with real git: a server that
// never answers, and a repository too large to fetch. (Detection's results
// are tested through the procedure in routers/deployment-detect.test.ts.)

const run = promisify(execFile);
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-repofiles-test-"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function failureOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => expect.fail("expected a ValidationError"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/** Commands of running processes that mention `marker` (Linux /proc). */
async function processesMentioning(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(marker)) found.push(cmdline.replaceAll("\0", " "));
  }
  return found;
}

describe("readRepositoryView limits", () => {
  let server: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never says a word (not even a TLS handshake).
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives up on a server that never answers at the deadline, and leaves no git process behind", async () => {
    const port = (server.address() as { port: number }).port;
    const url = `https://127.0.0.1:${port}/silent-${port}.git`;
    const started = Date.now();
    const error = await failureOf(readRepositoryView({ url, branch: "main", rootDirectory: null, timeoutMs: 1500 }));
    expect(error.details).toEqual({ fields: { repository: "The repository did not answer within 2 s" } });
    expect(Date.now() - started).toBeLessThan(5000);
    await expect.poll(() => processesMentioning(`silent-${port}`), { timeout: 2000 }).toEqual([]);
  });

  it("always removes its temporary directory: after success, a missing branch, a timeout", async () => {
    const root = await mkdtemp(path.join(tmp, "tmp-root-"));
    const dir = path.join(tmp, "small");
    await mkdir(dir);
    await writeFile(path.join(dir, "index.html"), "<h1>small</h1>");
    const git = (...args: string[]) => run("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
    await git("init", "-q");
    await git("add", "-A");
    await git("commit", "-qm", "small");
    const url = pathToFileURL(dir).href;

    expect((await readRepositoryView({ url, branch: "main", rootDirectory: null, tmpRoot: root })).files.get("index.html")).toBe("file");
    expect(await readdir(root)).toEqual([]);
    await failureOf(readRepositoryView({ url, branch: "gone", rootDirectory: null, tmpRoot: root }));
    expect(await readdir(root)).toEqual([]);
    const port = (server.address() as { port: number }).port;
    await failureOf(readRepositoryView({ url: `https://127.0.0.1:${port}/x.git`, branch: "main", rootDirectory: null, tmpRoot: root, timeoutMs: 500 }));
    expect(await readdir(root)).toEqual([]);
  });

  it("stops at the size limit rather than filling the disk", async () => {
    const dir = path.join(tmp, "big");
    await mkdir(dir);
    // Incompressible files under the 1 MB blob filter: they are fetched, and count.
    for (let i = 0; i < 4; i++) await writeFile(path.join(dir, `chunk-${i}.bin`), randomBytes(700 * 1024));
    await writeFile(path.join(dir, "index.html"), "<h1>big</h1>");
    const git = (...args: string[]) => run("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
    await git("init", "-q");
    await git("config", "uploadpack.allowFilter", "true");
    await git("add", "-A");
    await git("commit", "-qm", "big");

    const url = pathToFileURL(dir).href;
    const error = await failureOf(readRepositoryView({ url, branch: "main", rootDirectory: null, maxCloneBytes: 1024 * 1024 }));
    expect(error.details).toEqual({ fields: { repository: "The repository is too large to inspect: its latest commit is over 1 MB" } });
    const view = await readRepositoryView({ url, branch: "main", rootDirectory: null });
    expect(view.files.get("index.html")).toBe("file");
  });
});

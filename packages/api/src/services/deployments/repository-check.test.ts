import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toErrorEnvelope } from "../../errors.js";
import { checkRepository, type RepositoryCheckDeps } from "./repository-check.js";

// The repository check against real git repositories (file:// URLs, as
// ALLOW_LOCAL_REPOS allows) and a local server that never answers.

const run = promisify(execFile);

const local: RepositoryCheckDeps = { env: { ALLOW_LOCAL_REPOS: true, ALLOW_PRIVATE_NETWORK_REPOS: false } };

async function fieldsOf(promise: Promise<unknown>) {
  return promise.then(
    () => expect.fail("expected the check to fail"),
    (error: unknown) => {
      const envelope = toErrorEnvelope(error).error;
      expect(envelope).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422 });
      return (envelope.details as { fields: Record<string, string> }).fields;
    },
  );
}

describe("checkRepository", () => {
  let tmp: string;
  let repository: string;
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "autostack-check-test-"));
    const dir = path.join(tmp, "site");
    await run("git", ["-c", "init.defaultBranch=main", "init", "-q", dir]);
    const git = (...args: string[]) => run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
    await git("commit", "-q", "--allow-empty", "-m", "Initial commit");
    await git("branch", "release/v2");
    await git("branch", "main-old");
    repository = pathToFileURL(dir).href;
    // Accepts connections and never says a word: a hung git server.
    silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await rm(tmp, { recursive: true, force: true });
  });

  it("passes a repository that has the branch, nested branch names included", async () => {
    expect(await checkRepository(local, { repository, branch: "main" })).toEqual({ checked: true, repository, branch: "main" });
    expect(await checkRepository(local, { repository, branch: "release/v2" })).toMatchObject({ checked: true });
  });

  it("names the branch when the repository answers without it (a prefix of a branch is not the branch)", async () => {
    expect(await fieldsOf(checkRepository(local, { repository, branch: "mian" }))).toEqual({ branch: 'Branch "mian" not found' });
    expect(await fieldsOf(checkRepository(local, { repository, branch: "v2" }))).toEqual({ branch: 'Branch "v2" not found' });
    expect(await fieldsOf(checkRepository(local, { repository, branch: "main-" }))).toEqual({ branch: 'Branch "main-" not found' });
  });

  it("reports a path with no repository on the repository field", async () => {
    const missing = pathToFileURL(path.join(tmp, "no-such-repo")).href;
    expect(await fieldsOf(checkRepository(local, { repository: missing, branch: "main" }))).toEqual({ repository: "Repository not found or not reachable" });
  });

  it("keeps the local-repository rule: refused unless ALLOW_LOCAL_REPOS", async () => {
    const fields = await fieldsOf(checkRepository({ env: { ALLOW_LOCAL_REPOS: false, ALLOW_PRIVATE_NETWORK_REPOS: false } }, { repository, branch: "main" }));
    expect(fields.repository).toMatch(/Local repositories are disabled/);
  });

  it("keeps the address rules: private hosts refused, a name that does not resolve reported, before git runs", async () => {
    const privateHost = await fieldsOf(checkRepository(local, { repository: "https://127.0.0.1/acme/site.git", branch: "main" }));
    expect(privateHost.repository).toMatch(/private, loopback or link-local address/);
    const resolvesPrivate = await fieldsOf(checkRepository(local, { repository: "https://git.example.com/acme/site.git", branch: "main" }, { lookup: async () => ["10.0.0.7"] }));
    expect(resolvesPrivate.repository).toMatch(/resolves to 10\.0\.0\.7/);
    const unresolved = await fieldsOf(checkRepository(local, { repository: "https://no-such-host.invalid/acme/site.git", branch: "main" }, { lookup: async () => [] }));
    expect(unresolved.repository).toMatch(/does not resolve/);
  });

  it("gives up on a server that does not answer, on the repository field", async () => {
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const deps: RepositoryCheckDeps = { env: { ALLOW_LOCAL_REPOS: false, ALLOW_PRIVATE_NETWORK_REPOS: true } };
    const fields = await fieldsOf(checkRepository(deps, { repository: `https://127.0.0.1:${port}/acme/site.git`, branch: "main" }, { timeoutMs: 1500 }));
    expect(fields).toEqual({ repository: "The repository did not answer within 2 s" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("leaves GitHub owner/name references to the GitHub integration", async () => {
    expect(await checkRepository(local, { repository: "acme/site", branch: "main" })).toEqual({ checked: false, repository: "acme/site", branch: "main" });
  });
});

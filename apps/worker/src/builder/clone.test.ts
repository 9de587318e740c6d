import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneRepository } from "./clone.js";

// The clone runs git on the worker's host, so it is where hostile branch
// names and URLs would bite. Every value is one argv element after "--" and
// no shell is involved: these payloads must fail as plain (bad) names.

const run = promisify(execFile);

let tmp: string;
let repoUrl: string;
let firstCommit: string;
let secondCommit: string;

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-c", "user.name=Fixture Author", "-c", "user.email=fixture@example.com", "-c", "init.defaultBranch=main", ...args], { cwd });
  return stdout.trim();
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-clone-"));
  const repo = path.join(tmp, "origin");
  await run("git", ["init", "-q", "-b", "main", repo]);
  await writeFile(path.join(repo, "index.html"), "one");
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "first commit");
  firstCommit = await git(repo, "rev-parse", "HEAD");
  await writeFile(path.join(repo, "index.html"), "two");
  await git(repo, "commit", "-q", "-am", "second commit");
  secondCommit = await git(repo, "rev-parse", "HEAD");
  repoUrl = pathToFileURL(repo).href;
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

let n = 0;
const checkoutDir = () => path.join(tmp, `checkout-${++n}`);

describe("cloneRepository", () => {
  it("clones the branch head shallowly and reports its commit", async () => {
    const dir = checkoutDir();
    const commit = await cloneRepository({ url: repoUrl, branch: "main", dir, allowLocal: true });
    expect(commit).toEqual({ hash: secondCommit, message: "second commit", author: "Fixture Author" });
    expect(await git(dir, "rev-list", "--count", "HEAD")).toBe("1");
  });

  it("checks out a stored commit for a redeploy", async () => {
    const dir = checkoutDir();
    const commit = await cloneRepository({ url: repoUrl, branch: "main", dir, allowLocal: true, commitHash: firstCommit });
    expect(commit.hash).toBe(firstCommit);
    expect(commit.message).toBe("first commit");
  });

  it("refuses local repositories unless they are allowed", async () => {
    await expect(cloneRepository({ url: repoUrl, branch: "main", dir: checkoutDir(), allowLocal: false })).rejects.toThrow(/git clone failed/);
  });

  it("refuses a malformed commit hash without running git with it", async () => {
    await expect(cloneRepository({ url: repoUrl, branch: "main", dir: checkoutDir(), allowLocal: true, commitHash: "--upload-pack=x" })).rejects.toThrow(
      /invalid commit hash/,
    );
  });

  describe("runs nothing on the host for hostile input", () => {
    const marker = () => path.join(tmpdir(), `pwned-${process.pid}-${++n}`);

    it.each([
      ["a branch that looks like an option", (m: string) => ({ branch: `--upload-pack=touch ${m}`, url: repoUrl })],
      ["a branch with command substitution", (m: string) => ({ branch: `$(touch ${m})`, url: repoUrl })],
      ["a branch with a command separator", (m: string) => ({ branch: `main; touch ${m}`, url: repoUrl })],
      ["an ext:: URL", (m: string) => ({ branch: "main", url: `ext::sh -c touch% ${m}` })],
      ["a URL that looks like an option", (m: string) => ({ branch: "main", url: `--upload-pack=touch ${m}` })],
      ["a URL with command substitution", (m: string) => ({ branch: "main", url: `$(touch ${m})` })],
    ])("%s", async (_name, payload) => {
      const file = marker();
      const { branch, url } = payload(file);
      await expect(cloneRepository({ url, branch, dir: checkoutDir(), allowLocal: true, timeoutMs: 10_000 })).rejects.toThrow(/^git clone failed/);
      expect(existsSync(file)).toBe(false);
      expect(existsSync("/tmp/pwned")).toBe(false);
    });
  });
});

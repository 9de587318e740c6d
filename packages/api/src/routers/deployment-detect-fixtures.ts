import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cp, mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect } from "vitest";
import { toErrorEnvelope, type ErrorEnvelope } from "../errors.js";
import { DEPLOYMENT_TEST_ENV, signUp, type TestUser } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";

// What the deployment.detect tests (deployment-detect*.test.ts) share: real git
// repositories (git init + commit) in a temporary directory, read through
// file:// URLs as ALLOW_LOCAL_REPOS allows on development machines.

export const run = promisify(execFile);

type Files = Record<string, string | Buffer | { symlink: string }>;

export interface DetectFixtures {
  h: Harness;
  /** Where the file's repositories live; removed after its tests. */
  tmp: string;
  /** One user for the whole file, for calls other than `detect`. */
  user: TestUser;
  /** A git repository on branch main with one commit of `files` (after copying `template`); its file:// URL. */
  repository(files: Files, options?: { template?: string; config?: Record<string, string> }): Promise<string>;
  /** deployment.detect as a new user: detections are limited per user and minute (not under test here). */
  detect(input: { repository: string; branch?: string; rootDirectory?: string | null }): ReturnType<TestUser["caller"]["deployment"]["detect"]>;
}

/** Registers the file's beforeAll/afterAll (harness, temporary directory, user); read the fields in tests. */
export function useDetectFixtures(): DetectFixtures {
  const fixtures = {} as DetectFixtures;
  fixtures.repository = async (files, { template, config = {} } = {}) => {
    const dir = path.join(fixtures.tmp, randomUUID());
    if (template) {
      await cp(template, dir, { recursive: true });
      // Templates keep dotfiles under other names (npm would drop a .gitignore); the generators rename them.
      for (const [from, to] of [["_gitignore", ".gitignore"], ["gitignore", ".gitignore"], ["README-template.md", "README.md"]] as const) {
        await rename(path.join(dir, from), path.join(dir, to)).catch(() => undefined);
      }
    }
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      await mkdir(path.dirname(file), { recursive: true });
      if (typeof content === "object" && !Buffer.isBuffer(content)) await symlink(content.symlink, file);
      else await writeFile(file, content);
    }
    const git = (...args: string[]) =>
      run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
    await git("init", "-q");
    for (const [key, value] of Object.entries(config)) await git("config", key, value);
    await git("add", "-A");
    await git("commit", "-q", "-m", "Initial commit");
    return pathToFileURL(dir).href;
  };
  fixtures.detect = async (input) => (await signUp(fixtures.h)).caller.deployment.detect(input);
  beforeAll(async () => {
    fixtures.h = await createHarness(DEPLOYMENT_TEST_ENV);
    fixtures.tmp = await mkdtemp(path.join(tmpdir(), "autostack-detect-test-"));
  });
  afterAll(async () => {
    await fixtures.h.close();
    await rm(fixtures.tmp, { recursive: true, force: true });
  });
  beforeAll(async () => {
    fixtures.user = await signUp(fixtures.h);
  });
  return fixtures;
}

export const packageJson = (body: object) => JSON.stringify({ name: "site", version: "1.0.0", private: true, ...body }, null, 2);

/** The error envelope of a call that must fail. */
export async function envelopeOf(promise: Promise<unknown>): Promise<ErrorEnvelope["error"]> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (error: unknown) => toErrorEnvelope(error).error,
  );
}

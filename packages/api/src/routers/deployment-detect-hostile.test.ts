import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createContext, createCookieCollector } from "../context.js";
import { createCaller } from "../root.js";
import { signUp } from "../testing/deployments.js";
import { envelopeOf, packageJson, useDetectFixtures } from "./deployment-detect-fixtures.js";

// deployment.detect on hostile repositories and input (deployment-detect.test.ts
// has the frameworks): symlinked and oversized package.json files, missing
// branches and repositories, private addresses, creation's repository policy,
// its rate limit, and option-like or injected input that must never reach git.

const fixtures = useDetectFixtures();
const { detect, repository } = fixtures;

describe("detect: hostile repositories", () => {
  it("never reads a package.json that is a symlink (to /dev/zero) and falls back to the static files", async () => {
    const url = await repository({ "package.json": { symlink: "/dev/zero" }, "index.html": "<h1>hi</h1>" });
    const result = await detect({ repository: url });
    expect(result).toMatchObject({ framework: { id: "static" }, buildCommand: "", outputDir: "." });
    expect(result.notes).toContainEqual(expect.stringContaining("package.json is a symbolic link"));
  });

  it("does not read a 5 MB package.json, whether or not the server filters large blobs out of the clone", async () => {
    const huge = packageJson({ scripts: { build: "vite build" }, devDependencies: { vite: "7" }, description: "x".repeat(5 * 1024 * 1024) });
    for (const config of [{}, { "uploadpack.allowFilter": "true" }] as Record<string, string>[]) {
      const result = await detect({ repository: await repository({ "package.json": huge, "package-lock.json": "{}" }, { config }) });
      expect(result, JSON.stringify(config)).toMatchObject({ framework: null, buildCommand: "npm run build", installCommand: "npm ci" });
      expect(result.notes).toContainEqual(expect.stringContaining("package.json is larger than 1 MB"));
    }
  });

  it("answers a missing branch with 422 on the branch", async () => {
    const url = await repository({ "index.html": "" });
    const error = await envelopeOf(detect({ repository: url, branch: "does-not-exist" }));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422, details: { fields: { branch: 'No branch "does-not-exist" in this repository' } } });
  });

  /** A caller whose server allows repositories on private addresses (ALLOW_PRIVATE_NETWORK_REPOS, single-user machines). */
  async function lenientCaller() {
    const ctx = await createContext(
      { ...fixtures.h.deps, env: { ...fixtures.h.deps.env, ALLOW_PRIVATE_NETWORK_REPOS: true } },
      { ip: "198.51.100.9", requestId: randomUUID(), source: "api", authorizationHeader: `Bearer ${fixtures.user.accessToken}` },
      createCookieCollector(),
    );
    return createCaller(ctx);
  }

  it("answers a repository that cannot be reached, or is not one, with 422 on the repository", async () => {
    const refused = await envelopeOf((await lenientCaller()).deployment.detect({ repository: "https://127.0.0.1:9/acme/site.git" }));
    expect(refused).toMatchObject({ statusCode: 422, details: { fields: { repository: "Could not reach the repository: the connection failed" } } });
    const notARepository = await envelopeOf(detect({ repository: pathToFileURL(fixtures.tmp).href }));
    expect(notARepository).toMatchObject({ statusCode: 422, details: { fields: { repository: "No Git repository at this address" } } });
  });

  it("refuses hosts on private addresses as creation does, before any git runs", async () => {
    for (const repository of ["https://127.0.0.1:9/acme/site.git", "https://0x7f000001/acme/site.git", "https://[::1]/acme/site.git", "https://169.254.169.254/x.git"]) {
      const detected = await envelopeOf(detect({ repository }));
      const created = await envelopeOf(fixtures.user.caller.deployment.create({ repository }));
      expect(detected, repository).toMatchObject({ statusCode: 422, details: { fields: { repository: expect.stringContaining("private, loopback or link-local address") } } });
      expect(detected.details).toEqual(created.details);
    }
  });

  it("applies deployment creation's repository policy: local repositories only with ALLOW_LOCAL_REPOS, GitHub references wait for GitHub", async () => {
    const url = await repository({ "index.html": "" });
    const ctx = await createContext(
      { ...fixtures.h.deps, env: { ...fixtures.h.deps.env, ALLOW_LOCAL_REPOS: false } },
      { ip: "198.51.100.8", requestId: randomUUID(), source: "api", authorizationHeader: `Bearer ${fixtures.user.accessToken}` },
      createCookieCollector(),
    );
    const strict = createCaller(ctx);
    for (const repository of [url, fileURLToPath(url), "file:///etc"]) {
      const detected = await envelopeOf(strict.deployment.detect({ repository }));
      const created = await envelopeOf(strict.deployment.create({ repository }));
      expect(detected).toMatchObject({ statusCode: 422, details: { fields: { repository: expect.stringContaining("Local repositories are disabled") } } });
      expect(detected.details).toEqual(created.details);
    }
    const github = await envelopeOf(fixtures.user.caller.deployment.detect({ repository: "acme/site" }));
    expect(github).toMatchObject({ statusCode: 422, details: { fields: { repository: "GitHub is not connected" } } });
  });

  it("limits each user to 30 detections a minute (each one clones), then answers 429", async () => {
    const limited = await signUp(fixtures.h);
    const unreachable = { repository: "https://127.0.0.1:9/acme/site.git" };
    for (let i = 0; i < 30; i++) expect((await envelopeOf(limited.caller.deployment.detect(unreachable))).statusCode).toBe(422);
    expect(await envelopeOf(limited.caller.deployment.detect(unreachable))).toMatchObject({ code: "RATE_LIMIT_EXCEEDED", statusCode: 429 });
  });

  it("refuses option-like and injected input before running git", async () => {
    const marker = path.join(fixtures.tmp, "pwned");
    for (const [input, field] of [
      [{ repository: `--upload-pack=touch ${marker}` }, "repository"],
      [{ repository: `ext::sh -c touch% ${marker}` }, "repository"],
      [{ repository: "https://example.com/site.git", branch: `main;touch ${marker}` }, "branch"],
      [{ repository: "https://example.com/site.git", branch: "--upload-pack=x" }, "branch"],
      [{ repository: "https://example.com/site.git", rootDirectory: "../.." }, "rootDirectory"],
    ] as const) {
      const error = await envelopeOf(fixtures.user.caller.deployment.detect(input));
      expect(error.statusCode, JSON.stringify(input)).toBe(422);
      expect(Object.keys(error.details.fields as object)).toEqual([field]);
    }
    await expect(readdir(fixtures.tmp)).resolves.not.toContain("pwned");
  });
});

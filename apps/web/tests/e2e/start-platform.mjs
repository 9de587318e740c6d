// Starts the built platform for the end-to-end tests, exactly as `pnpm start`
// does, on a fresh embedded PostgreSQL under .data/e2e, with mail going to the
// SMTP server that the tests themselves run.
//
// Builds run in Docker, so first a Docker engine (a private dockerd when none
// answers, like the worker's Docker tests) and the builder image are made
// ready. Playwright starts this web server before any globalSetup, so this is
// the one place where that can happen before the worker starts. Without an
// engine the deploy journey is skipped with the reason written to
// .data/e2e/build-engine.json, unless REQUIRE_DOCKER is set (CI): then it is
// a failure.
import { execFile, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const port = process.env.E2E_PORT ?? "3999";
const dataDir = path.join(root, ".data", "e2e");
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const run = promisify(execFile);
const say = (message) => console.log(`[e2e] ${message}`);
const builderImage = process.env.BUILD_IMAGE || "autostack/builder:node20";

/** Both steps together stay inside the webServer's readiness timeout (playwright.config.ts). */
const DOCKER_DEADLINE_MS = 200_000;

/** The last line a failed script wrote (its one-line reason), or how it failed. */
function failure(error) {
  if (error.killed) return `timed out after ${Math.round(DOCKER_DEADLINE_MS / 1000)} s`;
  return error.stderr?.trim().split("\n").at(-1) || error.message;
}

/** DOCKER_HOST of a ready engine with the builder image, or the reason there is none. */
async function prepareDocker() {
  const script = (name) => path.join(root, "scripts/docker", name);
  const started = performance.now();
  const timeout = () => Math.max(1000, Math.round(DOCKER_DEADLINE_MS - (performance.now() - started)));
  let dockerHost;
  try {
    const { stdout } = await run(process.execPath, [script("ensure-docker.mjs")], { env: process.env, timeout: timeout() });
    dockerHost = stdout.trim().split("\n").at(-1).replace(/^DOCKER_HOST=/, "");
  } catch (error) {
    return { dockerHost: "", reason: failure(error) };
  }
  try {
    const built = await run(process.execPath, [script("build-builder-image.mjs")], {
      env: { ...process.env, DOCKER_HOST: dockerHost, BUILD_IMAGE: builderImage },
      timeout: timeout(),
    });
    if (built.stderr.trim()) console.log(built.stderr.trim());
  } catch (error) {
    return { dockerHost: "", reason: `builder image ${builderImage}: ${failure(error)}` };
  }
  say(`Docker engine ${dockerHost} and image ${builderImage} ready in ${Math.round(performance.now() - started)} ms`);
  return { dockerHost, reason: "" };
}

const engine = await prepareDocker();
if (!engine.dockerHost) {
  if (process.env.REQUIRE_DOCKER) {
    console.error(`[e2e] no Docker engine for builds (REQUIRE_DOCKER is set): ${engine.reason}`);
    process.exit(1);
  }
  console.warn(`[e2e] no Docker engine for builds, the deploy journey will be skipped: ${engine.reason}`);
}
// Read by the deploy journey (tests/e2e/config.ts: E2E_BUILD_ENGINE_FILE).
writeFileSync(path.join(dataDir, "build-engine.json"), JSON.stringify(engine, null, 2));

// GitHub and Google: the stand-in (packages/api's build), on the port of
// tests/e2e/config.ts (E2E_STAND_IN_PORT), for sign-in and as the GitHub App
// (a key pair of this run; its install page comes back to our Setup URL, its
// repositories are cloned over git's smart HTTP). The specs arrange its
// accounts, repositories and installations through its /_stand-in control routes.
const standInModule = await import("@autostack/api/testing/github-stand-in");
const { appEnvFor, appRoutes, controlRoutes, gitRoutes, googleRoutes, OAUTH_TEST_CONFIG, oauthEnvFor, oauthRoutes, startGitHubStandIn } = standInModule;
const appKeys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const fixtureRoot = path.join(root, ".data", "e2e-stand-in");
rmSync(fixtureRoot, { recursive: true, force: true });
mkdirSync(fixtureRoot, { recursive: true });
const standInConfig = {
  ...OAUTH_TEST_CONFIG,
  appPublicKey: appKeys.publicKey,
  appClientId: "Iv1.e2e-app-client",
  appClientSecret: "e2e-app-client-secret",
  appSetupUrl: `http://localhost:${port}/api/github/setup`,
  fixtureRoot,
};
// writeRoutes (commit statuses, comments) when this build of the stand-in has them.
const standInRoutes = [...appRoutes, ...(standInModule.writeRoutes ?? []), ...gitRoutes, ...oauthRoutes, ...googleRoutes, ...controlRoutes];
const standIn = await startGitHubStandIn(standInConfig, standInRoutes, { port: 3998 });

const env = { ...process.env };
delete env.DATABASE_URL;
Object.assign(env, {
  NODE_ENV: "production",
  PORT: port,
  APP_URL: `http://localhost:${port}`,
  DATA_DIR: dataDir,
  EMBEDDED_POSTGRES_PORT: "54331",
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: "2526",
  SMTP_FROM: "Autostack <noreply@autostack.test>",
  // The journey signs in several times from one IP within a minute.
  RATE_LIMIT_AUTH_PER_MINUTE: "100",
  LOG_LEVEL: "warn",
  // The deploy journey builds a git repository the test creates on this machine.
  ALLOW_LOCAL_REPOS: "true",
  // Its builds need nothing from outside the container.
  BUILD_NETWORK: "none",
  BUILD_IMAGE: builderImage,
  // Done above (start.mjs would check the engine once more).
  AUTOSTACK_PREPARE_DOCKER: "false",
  ...oauthEnvFor(standIn),
  ...appEnvFor(standIn, appKeys.privateKey, "e2e-webhook-secret"),
});
if (engine.dockerHost) env.DOCKER_HOST = engine.dockerHost;

const child = spawn("node", ["scripts/start.mjs"], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

// Gets the build engine ready before the worker starts, so a fresh machine
// can deploy without a manual step: finds (or, as root, installs Debian's
// docker.io if needed and starts) a Docker engine and builds the default builder image
// when it is missing. Never fatal: without an engine the platform still
// starts, and every deployment then fails at once with a log line that says
// how to fix it (the worker checks the engine per build).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { log, root } from "./lib.mjs";

const DEFAULT_IMAGE = "autostack/builder:node20";

function warn(message) {
  console.warn(`\x1b[33m[autostack]\x1b[0m ${message}`);
}

function lastLine(text) {
  return (text ?? "").trim().split("\n").filter(Boolean).at(-1) ?? "";
}

/**
 * Resolves DOCKER_HOST into `env` and makes sure the builder image exists.
 * Skipped for BUILD_RUNNER=bubblewrap and when AUTOSTACK_PREPARE_DOCKER=false.
 */
export function prepareBuildEngine(env) {
  if ((env.BUILD_RUNNER ?? "docker") !== "docker" || env.AUTOSTACK_PREPARE_DOCKER === "false") return;

  // On a fresh Debian machine (as root) this apt-installs docker.io first: the README's first command sets everything up.
  const ensured = spawnSync(process.execPath, [path.join(root, "scripts/docker/ensure-docker.mjs")], {
    env,
    encoding: "utf8",
    timeout: 600_000,
  });
  if (ensured.status !== 0) {
    const reason = lastLine(ensured.stderr).replace(/^ensure-docker: /, "") || ensured.error?.message || "unknown error";
    warn(`no Docker engine for builds: ${reason}`);
    warn("the platform starts anyway; deployments fail with this reason until an engine is reachable (or set BUILD_RUNNER=bubblewrap, see README)");
    return;
  }
  env.DOCKER_HOST = lastLine(ensured.stdout).replace(/^DOCKER_HOST=/, "");
  log(`Docker engine for builds: ${env.DOCKER_HOST}`);

  // A BUILD_IMAGE of the operator's own is theirs to provide; only ours is built here.
  const image = env.BUILD_IMAGE || DEFAULT_IMAGE;
  if (image !== DEFAULT_IMAGE) return;
  const built = spawnSync(process.execPath, [path.join(root, "scripts/docker/build-builder-image.mjs")], {
    env: { ...env, BUILD_IMAGE: image },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 600_000,
  });
  if (built.status !== 0) warn(`the builder image ${image} could not be built (see above); deployments fail until it exists`);
}

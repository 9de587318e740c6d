#!/usr/bin/env node
// Builds the builder image (default autostack/builder:node20, BUILD_IMAGE overrides)
// without any registry: mmdebstrap makes a Debian root file system from the
// host's apt mirror, hooks add Node.js 18/20/22, npm, pnpm, yarn and bun from
// the npm registry, and the tar streams straight into the engine's import
// endpoint (what `docker import` does). Skips the work, offline and at once,
// when the image already carries the same recipe label.
//
//   DOCKER_HOST=unix://… node scripts/docker/build-builder-image.mjs [--force] [--out file.tar]
//
// Plain Node, no dependencies (no pnpm/turbo/docker CLI needed). Downloads are
// kept under ${DATA_DIR:-.data}/toolchains (see npm-packages.mjs).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { DPKG_OPTIONS, PACKAGES, ensureMmdebstrap, hostAptProxyEnv, hostMirrors, hostSuite, mmdebstrapArgs, runMmdebstrap } from "./debian-rootfs.mjs";
import { engineRequest, pingEngine } from "./engine.mjs";
import { withLock } from "./host.mjs";
import { nodeToolchains } from "./node-toolchains.mjs";
import { NpmPackages } from "./npm-packages.mjs";
import { TOOLS_PREFIX, packageManagers, toolPins } from "./package-managers.mjs";

const IMAGE = process.env.BUILD_IMAGE || "autostack/builder:node20";
const DOCKER_HOST = process.env.DOCKER_HOST;
// Bump when the image's contents or layout change in a way the pins below do not show.
const RECIPE = "3";
const BUILDER_UID = 1000;
const NODE_MAJORS = ["18", "20", "22"];
const DEFAULT_MAJOR = "20";
// npm 10 runs on all three majors (18.17+).
const NPM_PIN = "10";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const IMAGE_PATH = `/opt/node/${DEFAULT_MAJOR}/bin:${TOOLS_PREFIX}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
const LOCK_TIMEOUT_MS = 20 * 60_000;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const toolchainsDir = path.join(path.resolve(repoRoot, process.env.DATA_DIR || ".data"), "toolchains");
const force = process.argv.includes("--force");
const outIndex = process.argv.indexOf("--out");
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;

const say = (message) => process.stderr.write(`[builder-image] ${message}\n`);
function die(message) {
  process.stderr.write(`build-builder-image: ${message}\n`);
  process.exit(1);
}
const seconds = (since, digits = 1) => `${((performance.now() - since) / 1000).toFixed(digits)} s`;
const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/**
 * What the image is made of, hashed. Only pins (majors, "10", "1.22.22"),
 * never resolved versions: it is computed offline for the up-to-date check.
 * The host's CA bundle is in it: a new proxy CA must reach the image.
 */
function recipe() {
  const suite = hostSuite();
  const spec = {
    RECIPE, suite, packages: PACKAGES, dpkg: DPKG_OPTIONS, uid: BUILDER_UID, path: IMAGE_PATH,
    node: NODE_MAJORS, npm: NPM_PIN, tools: toolPins().map(({ name, pin }) => `${name}@${pin}`),
    caBundle: fs.existsSync(CA_BUNDLE) ? sha256(fs.readFileSync(CA_BUNDLE)) : null,
  };
  return { suite, hash: sha256(JSON.stringify(spec)).slice(0, 16) };
}

/** mmdebstrap customize hooks: the builder user, the toolchains, the host's CA bundle, then a smoke test. */
function customizeHooks({ toolchains, tools, binDir }) {
  const toolDirs = tools.map(({ tool, dir }) => ({ dir, prefix: `${TOOLS_PREFIX}/lib/${tool}` }));
  const copies = [...toolchains, ...toolDirs, { dir: binDir, prefix: `${TOOLS_PREFIX}/bin` }];
  // mmdebstrap splits a special hook's arguments at spaces.
  const spaced = copies.find(({ dir }) => /\s/.test(dir));
  if (spaced) throw new Error(`${spaced.dir}: the toolchain cache path must not contain whitespace (set DATA_DIR elsewhere)`);
  const smoke = [
    ...NODE_MAJORS.map((major) => `PATH=/opt/node/${major}/bin:$P; export PATH; node --version; npm --version`),
    "PATH=$D:$P; pnpm --version; yarn --version; bun --version",
  ].join("; ");
  return [
    `chroot "$1" groupadd --gid ${BUILDER_UID} builder`,
    `chroot "$1" useradd --uid ${BUILDER_UID} --gid ${BUILDER_UID} --home-dir /home/builder --create-home --shell /bin/bash builder`,
    `chroot "$1" install -d -o ${BUILDER_UID} -g ${BUILDER_UID} -m 0755 /workspace`,
    // sync-in needs its target to exist.
    `mkdir -p ${copies.map(({ prefix }) => `"$1${prefix}"`).join(" ")}`,
    ...copies.map(({ dir, prefix }) => `sync-in ${dir} ${prefix}`),
    // The cache belongs to whoever ran this; in the image builds must not write there.
    `chroot "$1" chown -R 0:0 /opt`,
    // Registry traffic here passes a TLS-inspecting proxy whose CA only the host's bundle has.
    ...(fs.existsSync(CA_BUNDLE) ? [`upload ${CA_BUNDLE} ${CA_BUNDLE}`, `chroot "$1" chmod 0644 ${CA_BUNDLE}`] : []),
    // Fails the build here, before an unusable image is imported.
    `chroot "$1" /usr/bin/env -i HOME=/tmp/smoke-home npm_config_update_notifier=false P=/usr/bin:/bin D=/opt/node/${DEFAULT_MAJOR}/bin:${TOOLS_PREFIX}/bin /bin/sh -ec '${smoke}' && rm -rf "$1/tmp/smoke-home"`,
  ];
}

/** The current image's id and labels, or null when there is none. */
async function existingImage() {
  const { status, text } = await engineRequest(DOCKER_HOST, "GET", `/images/${encodeURIComponent(IMAGE)}/json`);
  if (status === 404) return null;
  if (status !== 200) die(`inspecting ${IMAGE} failed: HTTP ${status} ${text.trim()}`);
  const image = JSON.parse(text);
  return { id: image.Id, size: image.Size, labels: image.Config?.Labels ?? {} };
}

async function importImage(tar, labels) {
  const colon = IMAGE.lastIndexOf(":");
  const [repo, tag] = colon > IMAGE.lastIndexOf("/") ? [IMAGE.slice(0, colon), IMAGE.slice(colon + 1)] : [IMAGE, "latest"];
  const query = new URLSearchParams({ fromSrc: "-", repo, tag, message: "autostack builder image" });
  for (const change of [
    // The default major; the worker sets PATH=/opt/node/<major>/bin:… per build to select another.
    `ENV PATH=${IMAGE_PATH}`,
    // The image's own setting, not the host's: keeps npm from phoning home.
    "ENV NPM_CONFIG_UPDATE_NOTIFIER=false",
    // Node's own CA list lacks the proxy's CA; the bundle copied from the host has it.
    `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`,
    "ENV LANG=C.UTF-8",
    `USER ${BUILDER_UID}`,
    "WORKDIR /workspace",
    `LABEL ${Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(" ")}`,
    'CMD ["/bin/bash"]',
  ]) query.append("changes", change);
  const { status, text } = await engineRequest(DOCKER_HOST, "POST", `/images/create?${query}`, {
    body: tar,
    headers: { "Content-Type": "application/x-tar" },
  });
  // The engine answers 200 and reports failures inside its JSON progress stream.
  const failure = text.split("\n").filter(Boolean).map((line) => JSON.parse(line)).find((message) => message.error);
  if (status !== 200 || failure) throw new Error(`import failed: ${failure?.error ?? `HTTP ${status} ${text.trim()}`}`);
}

const upToDate = (image, wanted) => image && !force && image.labels["autostack.builder.recipe"] === wanted.hash;
const describe = (labels) => {
  const majors = (labels["autostack.node.majors"] ?? "").split(",").filter(Boolean);
  return `node ${majors.map((major) => labels[`autostack.node.${major}`]).join(", ")}; ${(labels["autostack.tools"] ?? "").replaceAll(",", ", ").replaceAll("@", " ")}`;
};

async function build(wanted, previous, started) {
  const mmdebstrap = ensureMmdebstrap(say);
  const packages = new NpmPackages(toolchainsDir);
  const [toolchains, { tools, binDir }] = await Promise.all([
    nodeToolchains(packages, NODE_MAJORS, NPM_PIN, say),
    packageManagers(packages, say),
  ]);
  say(`toolchains ready in ${seconds(started)}: node ${toolchains.map(({ node }) => node).join(", ")}; npm ${toolchains[0].npm}; ${tools.map(({ tool, version }) => `${tool} ${version}`).join(", ")}`);
  const labels = {
    "autostack.builder.recipe": wanted.hash,
    "autostack.debian": wanted.suite,
    "autostack.node.majors": NODE_MAJORS.join(","),
    "autostack.node.default": DEFAULT_MAJOR,
    ...Object.fromEntries(toolchains.map(({ major, node }) => [`autostack.node.${major}`, node])),
    "autostack.npm": toolchains[0].npm,
    "autostack.tools": tools.map(({ tool, version }) => `${tool}@${version}`).join(","),
  };
  const mirrors = hostMirrors(wanted.suite);
  if (mirrors.length === 0) say(`no Debian ${wanted.suite} entry in the host's apt sources: mmdebstrap uses deb.debian.org`);
  const args = mmdebstrapArgs({ suite: wanted.suite, mirrors, hooks: customizeHooks({ toolchains, tools, binDir }) });
  say(`mmdebstrap ${wanted.suite} (${PACKAGES.join(", ")}) from ${mirrors.length ? mirrors.map((line) => line.split(" ").slice(-3, -1).join(" ")).join(", ") : "deb.debian.org"}`);
  const { stream, child } = runMmdebstrap(mmdebstrap, args, hostAptProxyEnv());
  try {
    if (outFile) {
      const partial = `${outFile}.partial`;
      await pipeline(stream, fs.createWriteStream(partial)).catch((error) => {
        fs.rmSync(partial, { force: true });
        throw error;
      });
      fs.renameSync(partial, outFile);
      say(`wrote ${outFile} (${describe(labels)}; ${(fs.statSync(outFile).size / 1e6).toFixed(0)} MB) in ${seconds(started)}`);
      return;
    }
    await importImage(stream, labels);
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  if (previous) {
    // The old image is now untagged; drop it unless a container still uses it (409, kept).
    await engineRequest(DOCKER_HOST, "DELETE", `/images/${previous.id}`).catch(() => undefined);
  }
  // What is in the image and where its trees are cached, for runners that bind them instead (bubblewrap).
  fs.writeFileSync(path.join(toolchainsDir, "current.json"), `${JSON.stringify({ image: IMAGE, labels, toolchains, tools, bin: binDir }, null, 2)}\n`);
  const size = (await existingImage())?.size ?? 0;
  say(`built ${IMAGE} (${describe(labels)}; ${(size / 1e6).toFixed(0)} MB) in ${seconds(started)}`);
}

const started = performance.now();
if (outIndex > 0 && (!outFile || outFile.startsWith("--"))) die("--out needs a file name: --out builder.tar");
try {
  const wanted = recipe();
  if (!outFile && !(await pingEngine(DOCKER_HOST))) {
    die(`no Docker engine answers at ${DOCKER_HOST ?? "/var/run/docker.sock"}; run scripts/docker/ensure-docker.mjs first`);
  }
  const previous = outFile ? null : await existingImage();
  if (upToDate(previous, wanted)) {
    say(`${IMAGE} is up to date (recipe ${wanted.hash}: ${describe(previous.labels)}); checked in ${seconds(started, 2)}`);
    process.exit(0);
  }
  fs.mkdirSync(toolchainsDir, { recursive: true });
  // One build at a time (pnpm start and a test run may both ask); a waiter finds the image built.
  await withLock(path.join(toolchainsDir, ".build.lock"), LOCK_TIMEOUT_MS, async () => {
    const current = outFile ? null : await existingImage();
    if (upToDate(current, wanted)) {
      say(`${IMAGE} was built meanwhile by another run (recipe ${wanted.hash})`);
      return;
    }
    await build(wanted, current, started);
  });
} catch (error) {
  die(error instanceof Error ? error.message : String(error));
}

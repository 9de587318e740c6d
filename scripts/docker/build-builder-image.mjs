#!/usr/bin/env node
// Builds the builder image (default autostack/builder:node20, BUILD_IMAGE overrides)
// without any registry: a root file system made of this host's node, npm,
// corepack, git and busybox-static is streamed as a tar into the engine's
// import endpoint (what `docker import` does). Skips the work when the image
// already records the same node version and recipe.
//
//   DOCKER_HOST=unix://… node scripts/docker/build-builder-image.mjs [--force] [--out file.tar]
//
// Plain Node, no dependencies (no pnpm/turbo/docker CLI needed).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { engineRequest, pingEngine } from "./engine.mjs";
import { aptInstall, findExecutable } from "./host.mjs";
import { RootFs } from "./rootfs.mjs";

const IMAGE = process.env.BUILD_IMAGE || "autostack/builder:node20";
const DOCKER_HOST = process.env.DOCKER_HOST;
// Bump when the image's contents or layout change, so existing images are rebuilt.
const RECIPE = "2";
const BUILDER_UID = 1000;
const IMAGE_PATH = "/usr/local/bin:/usr/bin:/bin";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

const force = process.argv.includes("--force");
const outIndex = process.argv.indexOf("--out");
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;

const say = (message) => process.stderr.write(`[builder-image] ${message}\n`);
function die(message) {
  process.stderr.write(`build-builder-image: ${message}\n`);
  process.exit(1);
}
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(2)} s`;

/** Absolute paths of the shared libraries (and loader) an ELF file needs. */
function sharedLibraries(file) {
  const result = spawnSync("ldd", [file], { encoding: "utf8" });
  if (result.status !== 0) return []; // "not a dynamic executable": static, nothing to add
  const libraries = [];
  for (const line of result.stdout.split("\n")) {
    if (line.includes("not found")) throw new Error(`${file}: ${line.trim()}`);
    const match = /=>\s+(\/\S+)\s+\(/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) libraries.push(match[1]);
  }
  return libraries;
}

function isElf(file) {
  const fd = fs.openSync(file, "r");
  try {
    const magic = Buffer.alloc(4);
    fs.readSync(fd, magic, 0, 4, 0);
    return magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    fs.closeSync(fd);
  }
}

/** Adds a binary and everything `ldd` says it loads. */
function addBinary(rootfs, file) {
  rootfs.addHost(file);
  for (const library of sharedLibraries(file)) rootfs.addHost(library);
}

function findBusybox() {
  const found = () => ["/bin/busybox", "/usr/bin/busybox"].find((candidate) => fs.existsSync(candidate));
  if (!found()) {
    say("busybox missing: installing Debian's busybox-static");
    const failure = aptInstall("busybox-static", say);
    if (failure) die(failure);
  }
  if (!found()) die("busybox-static was installed but no busybox binary was found");
  return fs.realpathSync(found());
}

/** The directory holding npm (and corepack) for the running node. */
function globalModulesDir(nodeBinary) {
  const beside = path.resolve(path.dirname(nodeBinary), "../lib/node_modules");
  if (fs.existsSync(path.join(beside, "npm/package.json"))) return beside;
  const npm = findExecutable("npm");
  if (npm) {
    // e.g. /usr/bin/npm → /usr/share/nodejs/npm/bin/npm-cli.js on Debian's own packaging
    let dir = path.dirname(fs.realpathSync(npm));
    while (dir !== "/" && !fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
    if (dir !== "/") return path.dirname(dir);
  }
  return null;
}

function assemble() {
  const rootfs = new RootFs();
  const versions = { node: process.version };
  // Keep a merged-/usr host's layout (/bin → usr/bin …) so paths baked into
  // binaries and scripts resolve the same way inside the image.
  for (const top of ["/bin", "/sbin", "/lib", "/lib64"]) {
    if (fs.lstatSync(top, { throwIfNoEntry: false })?.isSymbolicLink()) rootfs.addHost(top);
  }

  // node, and a PATH entry for it if it lives somewhere unusual (nvm, /opt).
  const node = fs.realpathSync(process.execPath);
  addBinary(rootfs, node);
  if (!IMAGE_PATH.split(":").includes(path.dirname(node))) rootfs.symlink("/usr/local/bin/node", node);

  // npm/npx/corepack through wrappers that call node directly, so they work
  // whatever the scripts' shebangs say.
  const modules = globalModulesDir(node);
  const wrapper = (script) => `#!/bin/sh\nexec node ${JSON.stringify(script)} "$@"\n`;
  if (modules) {
    rootfs.addHost(path.join(modules, "npm"), { recursive: true });
    rootfs.file("/usr/local/bin/npm", wrapper(path.join(modules, "npm/bin/npm-cli.js")), { mode: 0o755 });
    rootfs.file("/usr/local/bin/npx", wrapper(path.join(modules, "npm/bin/npx-cli.js")), { mode: 0o755 });
    versions.npm = JSON.parse(fs.readFileSync(path.join(modules, "npm/package.json"), "utf8")).version;
    const corepack = path.join(modules, "corepack");
    if (fs.existsSync(path.join(corepack, "dist/corepack.js"))) {
      rootfs.addHost(corepack, { recursive: true });
      rootfs.file("/usr/local/bin/corepack", wrapper(path.join(corepack, "dist/corepack.js")), { mode: 0o755 });
    }
  } else {
    say("WARNING: npm not found next to node; the image will have node only");
  }

  // git is optional (checkouts happen on the worker host), but npm needs it
  // for git dependencies. git-core's helpers are mostly hard links to git.
  const git = findExecutable("git");
  if (git) {
    addBinary(rootfs, fs.realpathSync(git));
    const core = "/usr/lib/git-core";
    if (fs.existsSync(core)) {
      rootfs.addHost(core, { recursive: true });
      const seen = new Set();
      for (const name of fs.readdirSync(core)) {
        const file = path.join(core, name);
        const stat = fs.statSync(file);
        if (!stat.isFile() || seen.has(stat.ino) || !isElf(file)) continue;
        seen.add(stat.ino);
        for (const library of sharedLibraries(file)) rootfs.addHost(library);
      }
    }
    if (fs.existsSync("/usr/share/git-core/templates")) rootfs.addHost("/usr/share/git-core/templates", { recursive: true });
  } else {
    say("git not found on this host: the image will have no git");
  }

  // busybox-static provides sh and the usual tools as symlinks.
  const busybox = findBusybox();
  addBinary(rootfs, busybox);
  const applets = spawnSync(busybox, ["--list"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const applet of applets) {
    if (applet !== "busybox" && !rootfs.has(`/bin/${applet}`)) rootfs.symlink(`/bin/${applet}`, busybox);
  }
  // Package bins start with `#!/usr/bin/env node`.
  if (!rootfs.has("/usr/bin/env")) rootfs.symlink("/usr/bin/env", busybox);

  if (fs.existsSync("/etc/ssl/certs")) rootfs.addHost("/etc/ssl/certs", { recursive: true });

  rootfs.file("/etc/passwd", [
    "root:x:0:0:root:/root:/bin/sh",
    `builder:x:${BUILDER_UID}:${BUILDER_UID}:builder:/home/builder:/bin/sh`,
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
    "",
  ].join("\n"));
  rootfs.file("/etc/group", `root:x:0:\nbuilder:x:${BUILDER_UID}:\nnogroup:x:65534:\n`);
  // glibc (node's DNS) reads this; without it the lookup order is dns first.
  rootfs.file("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
  rootfs.dir("/root", { mode: 0o700 });
  rootfs.dir("/tmp", { mode: 0o1777 });
  rootfs.dir("/home/builder", { mode: 0o755, uid: BUILDER_UID, gid: BUILDER_UID });
  rootfs.dir("/workspace", { mode: 0o755, uid: BUILDER_UID, gid: BUILDER_UID });
  return { rootfs, versions };
}

/** The current image's id and labels, or null when there is none. */
async function existingImage() {
  const { status, text } = await engineRequest(DOCKER_HOST, "GET", `/images/${encodeURIComponent(IMAGE)}/json`);
  if (status === 404) return null;
  if (status !== 200) die(`inspecting ${IMAGE} failed: HTTP ${status} ${text.trim()}`);
  const image = JSON.parse(text);
  return { id: image.Id, labels: image.Config?.Labels ?? {} };
}

async function importImage(rootfs, labels) {
  const colon = IMAGE.lastIndexOf(":");
  const [repo, tag] = colon > IMAGE.lastIndexOf("/") ? [IMAGE.slice(0, colon), IMAGE.slice(colon + 1)] : [IMAGE, "latest"];
  const query = new URLSearchParams({ fromSrc: "-", repo, tag, message: "autostack builder image" });
  for (const change of [
    `ENV PATH=${IMAGE_PATH}`,
    // The image's own setting, not the host's: keeps npm from phoning home.
    "ENV NPM_CONFIG_UPDATE_NOTIFIER=false",
    // Node (npm, npx) trusts the same certificate authorities as this host,
    // whose store is copied in: installs work behind a TLS-inspecting proxy.
    ...(fs.existsSync(CA_BUNDLE) ? [`ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`] : []),
    `USER ${BUILDER_UID}`,
    "WORKDIR /workspace",
    `LABEL ${Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(" ")}`,
    'CMD ["/bin/sh"]',
  ]) query.append("changes", change);
  const { status, text } = await engineRequest(DOCKER_HOST, "POST", `/images/create?${query}`, {
    body: Readable.from(rootfs.tar()),
    headers: { "Content-Type": "application/x-tar" },
  });
  // The engine answers 200 and reports failures inside its JSON progress stream.
  const failure = text.split("\n").filter(Boolean).map((line) => JSON.parse(line)).find((message) => message.error);
  if (status !== 200 || failure) die(`import failed: ${failure?.error ?? `HTTP ${status} ${text.trim()}`}`);
}

const started = performance.now();
if (!outFile && !(await pingEngine(DOCKER_HOST))) {
  die(`no Docker engine answers at ${DOCKER_HOST ?? "/var/run/docker.sock"}; run scripts/docker/ensure-docker.mjs first`);
}
const wanted = { "autostack.node": process.version, "autostack.builder.recipe": RECIPE };
const previous = outFile ? null : await existingImage();
if (previous && !force) {
  const { labels } = previous;
  if (Object.entries(wanted).every(([key, value]) => labels[key] === value)) {
    say(`${IMAGE} is up to date (node ${process.version}, recipe ${RECIPE}); checked in ${seconds(started)}`);
    process.exit(0);
  }
}

const { rootfs, versions } = assemble();
const size = `${rootfs.entries.size} entries, ${(rootfs.contentBytes() / 1024 / 1024).toFixed(0)} MiB`;
say(`assembled root file system (${size}) in ${seconds(started)}`);
const labels = { ...wanted, "autostack.npm": versions.npm ?? "none" };
if (outFile) {
  const { pipeline } = await import("node:stream/promises");
  await pipeline(Readable.from(rootfs.tar()), fs.createWriteStream(outFile));
  say(`wrote ${outFile} in ${seconds(started)}`);
} else {
  await importImage(rootfs, labels);
  if (previous) {
    // The old image is now untagged; drop it unless a container still uses it (409, kept).
    await engineRequest(DOCKER_HOST, "DELETE", `/images/${previous.id}`).catch(() => undefined);
  }
  say(`imported ${IMAGE} (node ${versions.node}, npm ${versions.npm ?? "none"}) in ${seconds(started)}`);
}

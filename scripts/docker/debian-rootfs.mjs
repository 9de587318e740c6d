// A Debian root file system made by mmdebstrap as a tar stream, from the same
// mirrors (and suite) the host's apt uses, so no container registry is needed.
// Real glibc, libstdc++ and friends (native npm bindings such as rolldown's
// need librt.so.1 & co.) and the compiler set node-gyp needs.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { PassThrough } from "node:stream";
import { aptInstall, findExecutable } from "./host.mjs";

/**
 * python3/make/g++: node-gyp; git: git dependencies; xz-utils: .tar.xz downloads; procps: ps for tools that
 * look; wget: build scripts that fetch a file (the busybox image had it, and steps rely on it).
 */
export const PACKAGES = ["ca-certificates", "git", "python3", "make", "g++", "xz-utils", "procps", "wget"];

// Written to the image's dpkg config too, so anything installed later stays lean.
export const DPKG_OPTIONS = [
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/locale/*",
  "path-include=/usr/share/locale/locale.alias",
  "path-exclude=/usr/share/lintian/*",
  // GCC's LTO debugging dump tool: 32 MB no build uses.
  "path-exclude=/usr/bin/*lto-dump*",
];

/** The host's Debian codename (bookworm): the image's release follows the host's. */
export function hostSuite() {
  let text = "";
  try {
    text = fs.readFileSync("/etc/os-release", "utf8");
  } catch {
    // handled below
  }
  const codename = /^VERSION_CODENAME="?([a-z]+)"?$/m.exec(text)?.[1];
  if (!codename) throw new Error("cannot tell the Debian release from /etc/os-release (VERSION_CODENAME); this script builds the image on Debian hosts");
  return codename;
}

/** deb822 stanzas and one-line entries of the host's apt sources as { types, uris, suites, components, signedBy }. */
function hostSources() {
  const entries = [];
  const dir = "/etc/apt/sources.list.d";
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort().map((name) => `${dir}/${name}`) : [];
  for (const file of ["/etc/apt/sources.list", ...files]) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (file.endsWith(".sources")) {
      // Comment lines do not end a stanza: drop them whole before splitting at blank lines.
      for (const stanza of text.replace(/^#.*(\n|$)/gm, "").split(/\n\s*\n/)) {
        const field = (name) => new RegExp(`^${name}:[ \\t]*(.*)$`, "mi").exec(stanza)?.[1].trim().split(/\s+/).filter(Boolean) ?? [];
        if (/^Enabled:\s*no\s*$/mi.test(stanza)) continue;
        entries.push({ types: field("Types"), uris: field("URIs"), suites: field("Suites"), components: field("Components"), signedBy: field("Signed-By")[0] });
      }
    } else if (file.endsWith(".list")) {
      for (const line of text.split("\n")) {
        const match = /^\s*(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
        if (!match) continue;
        const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(match[2] ?? "")?.[1];
        entries.push({ types: [match[1]], uris: [match[3]], suites: [match[4]], components: match[5].split(/\s+/).filter(Boolean), signedBy });
      }
    }
  }
  return entries;
}

/**
 * One-line sources for the suite and its -updates/-security/-backports
 * siblings with Debian's main component: third-party repositories (Docker's,
 * NodeSource's) are the host's business, not the image's.
 */
export function hostMirrors(suite) {
  const lines = [];
  for (const entry of hostSources()) {
    if (!entry.types.includes("deb") || !entry.components.includes("main")) continue;
    const suites = entry.suites.filter((name) => name === suite || name.startsWith(`${suite}-`));
    if (suites.length === 0) continue;
    // Signed-By may hold an inline key block instead of a path; mmdebstrap finds the keyring itself then.
    const options = entry.signedBy?.startsWith("/") ? `[signed-by=${entry.signedBy}] ` : "";
    // One suite per line: the one-line format has no list of suites.
    for (const uri of entry.uris) for (const name of suites) lines.push(`deb ${options}${uri} ${name} main`);
  }
  return [...new Set(lines)];
}

/**
 * The host apt's proxy as environment variables for mmdebstrap's apt (which
 * reads no host apt.conf.d). Not --aptopt: that would be written into the
 * image, credentials in the proxy URL included.
 */
export function hostAptProxyEnv() {
  const result = spawnSync("apt-config", ["dump"], { encoding: "utf8" });
  const env = {};
  for (const line of result.status === 0 ? result.stdout.split("\n") : []) {
    const match = /^Acquire::(https?)::Proxy "([^"]+)";$/.exec(line);
    if (match && /^https?:\/\//.test(match[2]) && !process.env[`${match[1]}_proxy`]) env[`${match[1]}_proxy`] = match[2];
  }
  return env;
}

/** The mmdebstrap binary, apt-installed when missing and we may; otherwise an Error saying what to install. */
export function ensureMmdebstrap(say) {
  const found = findExecutable("mmdebstrap");
  if (found) return found;
  say("mmdebstrap missing: installing Debian's mmdebstrap");
  const failure = aptInstall("mmdebstrap", say);
  const installed = findExecutable("mmdebstrap");
  if (installed) return installed;
  throw new Error(`mmdebstrap is needed to build the builder image: install it (apt-get install mmdebstrap)${failure ? ` — ${failure}` : ""}`);
}

/** mmdebstrap's arguments for a tar of the root file system on stdout. */
export function mmdebstrapArgs({ suite, mirrors, hooks }) {
  return [
    "--variant=minbase",
    `--include=${PACKAGES.join(",")}`,
    ...DPKG_OPTIONS.map((option) => `--dpkgopt=${option}`),
    ...hooks.map((hook) => `--customize-hook=${hook}`),
    "--",
    suite,
    "-",
    ...mirrors,
  ];
}

/**
 * Starts mmdebstrap; its tar comes out of `stream`, which ends only after
 * mmdebstrap succeeded and errors otherwise, so a consumer never takes a
 * truncated archive for a whole one. Its log is kept and shown on failure.
 */
export function runMmdebstrap(binary, args, env = {}) {
  const stream = new PassThrough({ highWaterMark: 1 << 20 });
  // stdin closed: given "-" as a mirror mmdebstrap reads sources from it; ours come as arguments only.
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  const log = [];
  child.stderr.setEncoding("utf8").on("data", (text) => {
    log.push(...text.split("\n").filter(Boolean));
    log.splice(0, Math.max(0, log.length - 60));
  });
  child.stdout.pipe(stream, { end: false });
  child.on("error", (error) => stream.destroy(error));
  child.on("close", (code, signal) => {
    if (code === 0) stream.end();
    else stream.destroy(new Error(`mmdebstrap failed (${signal ?? `exit ${code}`}):\n  ${log.slice(-25).join("\n  ")}`));
  });
  return { stream, child };
}

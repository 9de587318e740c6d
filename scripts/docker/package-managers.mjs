// Default package managers for the builder image, from the npm registry:
//
//   /opt/autostack/lib/<tool>/   the npm package (from <data>/toolchains/packages/<name>/<version>/)
//   /opt/autostack/bin/          pnpm, pnpx, yarn, yarnpkg (sh wrappers), bun, bunx (symlinks)
//
// The JavaScript ones run with whatever `node` is first on PATH, i.e. the Node
// major the build selected. A project pinning another version still gets it
// through npx; these are the defaults.
import fs from "node:fs";
import path from "node:path";

export const TOOLS_PREFIX = "/opt/autostack";

/**
 * Bun's default build needs AVX2; the baseline build runs on any x86-64. The
 * image runs on the host that builds it, so the host's CPU decides.
 */
function bunPackage() {
  let cpuinfo = "";
  try {
    cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // unknown CPU: the baseline build is the safe choice
  }
  return /\bavx2\b/.test(cpuinfo) ? "@oven/bun-linux-x64" : "@oven/bun-linux-x64-baseline";
}

/** What the image gets; part of the recipe, so it names pins, not resolved versions. */
export function toolPins() {
  return [
    { tool: "pnpm", name: "pnpm", pin: "10", bins: { pnpm: "bin/pnpm.cjs", pnpx: "bin/pnpx.cjs" } },
    { tool: "yarn", name: "yarn", pin: "1.22.22", bins: { yarn: "bin/yarn.js", yarnpkg: "bin/yarn.js" } },
    // A native binary: linked, not wrapped, so that bunx is recognised by its name.
    { tool: "bun", name: bunPackage(), pin: "1", links: { bun: "bin/bun", bunx: "bin/bun" } },
  ];
}

const nodeWrapper = (script) => `#!/bin/sh\nexec node ${script} "$@"\n`;

/**
 * Resolves and fetches each tool, and writes the bin directory (the same for
 * every version: it names /opt/autostack/lib/<tool>) to <data>/toolchains/autostack/bin.
 * @returns {Promise<{ tools: Array<{ tool: string, name: string, version: string, dir: string }>, binDir: string }>}
 */
export async function packageManagers(packages, say) {
  const pins = toolPins();
  const tools = await Promise.all(pins.map(async ({ tool, name, pin, links = {} }) => {
    const version = await packages.resolve(name, pin, packages.extractedVersions(name), say);
    const dir = await packages.extracted(name, version);
    // npm sets the executable bit when it installs a bin; we do not install, so set it ourselves.
    for (const target of Object.values(links)) fs.chmodSync(path.join(dir, target), 0o755);
    return { tool, name, version, dir };
  }));

  const binDir = path.join(packages.root, "autostack", "bin");
  fs.mkdirSync(binDir, { recursive: true });
  for (const { tool, bins = {}, links = {} } of pins) {
    const lib = `${TOOLS_PREFIX}/lib/${tool}`;
    for (const [bin, script] of Object.entries(bins)) {
      fs.rmSync(path.join(binDir, bin), { force: true });
      fs.writeFileSync(path.join(binDir, bin), nodeWrapper(`${lib}/${script}`), { mode: 0o755 });
    }
    for (const [bin, target] of Object.entries(links)) {
      fs.rmSync(path.join(binDir, bin), { force: true });
      fs.symlinkSync(path.posix.relative(`${TOOLS_PREFIX}/bin`, `${lib}/${target}`), path.join(binDir, bin));
    }
  }
  return { tools, binDir };
}

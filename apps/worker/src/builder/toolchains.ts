import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import type { NodeRuntime, Toolchains } from "./step.js";

// Which Node.js majors and package managers a build can have. The builder
// image (scripts/docker/build-builder-image.mjs) records them in labels and
// keeps each Node.js at /opt/node/<major>; the bubblewrap runner mounts the
// same toolchains, which that script leaves extracted under
// DATA_DIR/toolchains/node/<version>, at the same place.

export const IMAGE_PATH_TAIL = "/opt/autostack/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const nodePrefix = (major: string) => `/opt/node/${major}`;

/** Reads `autostack.node.majors`, `autostack.node.<major>` and `autostack.tools` ("pnpm@10.1.0,yarn@1.22.22"). */
export function toolchainsFromLabels(labels: Record<string, string> | null | undefined): Toolchains {
  const majors = (labels?.["autostack.node.majors"] ?? "").split(",").filter((major) => /^\d+$/.test(major));
  const node = majors.map((major) => ({
    major,
    version: labels?.[`autostack.node.${major}`] ?? `${major}.x`,
    prefix: nodePrefix(major),
    path: `${nodePrefix(major)}/bin:${IMAGE_PATH_TAIL}`,
  }));
  const tools: Toolchains["tools"] = {};
  for (const item of (labels?.["autostack.tools"] ?? "").split(",")) {
    const match = /^(pnpm|yarn|bun)@(\d[\w.+-]*)$/.exec(item.trim());
    if (match) tools[match[1] as keyof Toolchains["tools"]] = match[2]!;
  }
  return { node, tools };
}

/** The extracted toolchains under DATA_DIR/toolchains/node, newest version of each major, for the bubblewrap runner. */
export async function hostToolchains(dataDir: string, sandboxPathTail: string): Promise<Toolchains> {
  const root = path.resolve(dataDir, "toolchains", "node");
  const names = await readdir(root).catch(() => [] as string[]);
  const newest = new Map<string, { version: string; dir: string }>();
  for (const name of names) {
    const version = /^v?(\d+\.\d+\.\d+)$/.exec(name)?.[1];
    if (!version) continue;
    const dir = path.join(root, name);
    if (!(await lstat(path.join(dir, "bin", "node")).catch(() => null))?.isFile()) continue;
    const major = version.split(".")[0]!;
    const current = newest.get(major);
    if (!current || compareVersions(version, current.version) > 0) newest.set(major, { version, dir });
  }
  const node: NodeRuntime[] = [...newest.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([major, { version, dir }]) => ({ major, version, prefix: nodePrefix(major), path: `${nodePrefix(major)}/bin:${sandboxPathTail}`, hostDir: dir }));
  return { node, tools: {} };
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

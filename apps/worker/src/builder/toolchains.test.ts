import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hostToolchains, IMAGE_PATH_TAIL, toolchainsFromLabels } from "./toolchains.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("toolchainsFromLabels", () => {
  it("reads the builder image's Node.js majors, versions and package managers", () => {
    const toolchains = toolchainsFromLabels({
      "autostack.node.majors": "18,20,22",
      "autostack.node.18": "18.20.8",
      "autostack.node.20": "20.20.2",
      "autostack.node.22": "22.23.5",
      "autostack.tools": "pnpm@10.34.9,yarn@1.22.22,bun@1.4.5",
    });
    expect(toolchains.node.map((runtime) => [runtime.major, runtime.version])).toEqual([["18", "18.20.8"], ["20", "20.20.2"], ["22", "22.23.5"]]);
    expect(toolchains.node[2]).toMatchObject({ prefix: "/opt/node/22", path: `/opt/node/22/bin:${IMAGE_PATH_TAIL}` });
    expect(toolchains.tools).toEqual({ pnpm: "10.34.9", yarn: "1.22.22", bun: "1.4.5" });
  });

  it("offers nothing for an operator's image without labels, and ignores malformed ones", () => {
    expect(toolchainsFromLabels(null)).toEqual({ node: [], tools: {} });
    const odd = toolchainsFromLabels({ "autostack.node.majors": "20,$(id),../x", "autostack.tools": "pnpm@;rm -rf /,npm@10" });
    expect(odd.node.map((runtime) => runtime.major)).toEqual(["20"]);
    expect(odd.tools).toEqual({});
  });
});

describe("hostToolchains (bubblewrap)", () => {
  it("offers the newest extracted version of each major, mounted at the image's place", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "autostack-toolchains-"));
    dirs.push(dataDir);
    for (const version of ["20.19.0", "20.20.2", "22.23.5"]) {
      mkdirSync(path.join(dataDir, "toolchains/node", version, "bin"), { recursive: true });
      writeFileSync(path.join(dataDir, "toolchains/node", version, "bin/node"), "");
    }
    mkdirSync(path.join(dataDir, "toolchains/node/18.20.8/bin"), { recursive: true });
    symlinkSync("/usr/bin/env", path.join(dataDir, "toolchains/node/18.20.8/bin/node")); // not a real toolchain
    mkdirSync(path.join(dataDir, "toolchains/node/not-a-version"), { recursive: true });

    const toolchains = await hostToolchains(dataDir, "/usr/bin:/bin");
    expect(toolchains.node.map((runtime) => [runtime.major, runtime.version])).toEqual([["20", "20.20.2"], ["22", "22.23.5"]]);
    expect(toolchains.node[0]).toMatchObject({ prefix: "/opt/node/20", path: "/opt/node/20/bin:/usr/bin:/bin", hostDir: path.join(dataDir, "toolchains/node/20.20.2") });
  });

  it("offers none when nothing was extracted", async () => {
    expect((await hostToolchains("/nonexistent-data-dir", "/usr/bin")).node).toEqual([]);
  });
});

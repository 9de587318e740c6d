import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectInstall, pinnedPackageManager, pnpmForLockfile } from "./package-manager.js";

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "autostack-pm-"));
  dirs.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("detectInstall", () => {
  it("has nothing to install without package.json", async () => {
    expect(await detectInstall(project({ "index.html": "<p>hi</p>" }))).toBeNull();
  });

  it("uses npm ci with a package-lock.json and npm install without a lockfile", async () => {
    expect((await detectInstall(project({ "package.json": "{}", "package-lock.json": "{}" })))?.command).toBe("npm ci");
    expect((await detectInstall(project({ "package.json": "{}" })))?.command).toBe("npm install");
  });

  it("fetches the pnpm the project pins, else the one its lockfile format implies", async () => {
    const pinned = await detectInstall(project({ "package.json": JSON.stringify({ packageManager: "pnpm@9.12.3+sha512.abc" }), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }));
    expect(pinned).toMatchObject({ packageManager: "pnpm", command: "npx --yes pnpm@9.12.3 install --frozen-lockfile" });
    expect(pinned?.caveat).toMatch(/BUILD_NETWORK=public/);
    const byLockfile = await detectInstall(project({ "package.json": "{}", "pnpm-lock.yaml": "lockfileVersion: '6.0'\n" }));
    expect(byLockfile?.command).toBe("npx --yes pnpm@8 install --frozen-lockfile");
  });

  it("runs a committed Yarn 2+ release, else fetches Yarn", async () => {
    const berry = await detectInstall(project({ "package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.5.0.cjs\n", ".yarn/releases/yarn-4.5.0.cjs": "" }));
    expect(berry?.command).toBe("node .yarn/releases/yarn-4.5.0.cjs install --immutable");
    const classic = await detectInstall(project({ "package.json": "{}", "yarn.lock": "" }));
    expect(classic?.command).toBe("npx --yes yarn@1 install --frozen-lockfile");
    const pinnedBerry = await detectInstall(project({ "package.json": JSON.stringify({ packageManager: "yarn@4.5.0" }), "yarn.lock": "" }));
    expect(pinnedBerry?.command).toBe("npx --yes --package=@yarnpkg/cli-dist@4.5.0 -- yarn install --immutable");
  });

  it("never puts a hostile version or path into the command", async () => {
    const hostile = await detectInstall(project({ "package.json": JSON.stringify({ packageManager: "pnpm@9; touch /tmp/pwned" }), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }));
    expect(hostile?.command).toBe("npx --yes pnpm@9 install --frozen-lockfile");
    const yarnPath = await detectInstall(project({ "package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: $(id).cjs\n", "$(id).cjs": "" }));
    expect(yarnPath?.command).toBe("npx --yes --package=@yarnpkg/cli-dist@4 -- yarn install --immutable");
  });
});

describe("detectInstall with the builder image's tools", () => {
  const tools = { pnpm: "10.24.0", yarn: "1.22.22", bun: "1.3.4" };

  it("uses the image's pnpm, Yarn classic and Bun when the project pins nothing else", async () => {
    expect(await detectInstall(project({ "package.json": "{}", "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }), tools)).toMatchObject({ command: "pnpm install --frozen-lockfile", lockfile: "pnpm-lock.yaml" });
    expect(await detectInstall(project({ "package.json": "{}", "yarn.lock": "" }), tools)).toMatchObject({ command: "yarn install --frozen-lockfile", lockfile: "yarn.lock" });
    expect(await detectInstall(project({ "package.json": "{}", "bun.lock": "{}" }), tools)).toMatchObject({ packageManager: "bun", command: "bun install --frozen-lockfile", lockfile: "bun.lock" });
    expect((await detectInstall(project({ "package.json": "{}", "bun.lockb": "" }), tools))?.lockfile).toBe("bun.lockb");
  });

  it("fetches a pinned major the image does not have", async () => {
    const plan = await detectInstall(project({ "package.json": JSON.stringify({ packageManager: "pnpm@8.15.9" }), "pnpm-lock.yaml": "lockfileVersion: '6.0'\n" }), tools);
    expect(plan).toMatchObject({ command: "npx --yes pnpm@8.15.9 install --frozen-lockfile" });
    expect(plan?.caveat).toMatch(/not in the builder image/);
    const bun = await detectInstall(project({ "package.json": JSON.stringify({ packageManager: "bun@2.0.0" }), "bun.lock": "{}" }), tools);
    expect(bun?.command).toBe("npx --yes bun@2.0.0 install --frozen-lockfile");
  });
});

describe("detectInstall on a hostile checkout", () => {
  it("never reads through a symlink: package.json → /dev/zero is no package.json", async () => {
    const dir = project({ "index.html": "<p>hi</p>" });
    symlinkSync("/dev/zero", path.join(dir, "package.json"));
    expect(await detectInstall(dir)).toBeNull();
  });

  it("does not reveal host files through lockfile symlinks", async () => {
    const dir = project({ "package.json": "{}" });
    symlinkSync("/etc/passwd", path.join(dir, "pnpm-lock.yaml"));
    symlinkSync("/etc/hostname", path.join(dir, "yarn.lock"));
    expect(await detectInstall(dir)).toMatchObject({ command: "npm install", lockfile: null });
  });

  it("does not block on a FIFO and ignores a package.json over 1 MB for pins", async () => {
    const dir = project({ "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" });
    execFileSync("mkfifo", [path.join(dir, "package.json")]);
    expect(await detectInstall(dir)).toBeNull();
    const big = project({ "package.json": JSON.stringify({ packageManager: "pnpm@8.0.0", pad: "x".repeat(1.1 * 1024 * 1024) }), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" });
    expect((await detectInstall(big, { pnpm: "10.0.0" }))?.command).toBe("pnpm install --frozen-lockfile");
  });

  it("never follows a yarnPath through a symlinked directory", async () => {
    const dir = project({ "package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: rel/yarn.cjs\n" });
    symlinkSync("/usr/bin", path.join(dir, "rel"));
    expect((await detectInstall(dir))?.command).toBe("npx --yes --package=@yarnpkg/cli-dist@4 -- yarn install --immutable");
  });
});

describe("helpers", () => {
  it("reads packageManager and lockfile formats", async () => {
    expect(pinnedPackageManager({ packageManager: "yarn@1.22.22" })).toEqual({ name: "yarn", version: "1.22.22" });
    expect(pinnedPackageManager(null)).toBeNull();
    expect(pinnedPackageManager({ packageManager: 42 })).toBeNull();
    expect(pnpmForLockfile("lockfileVersion: 5.4\n")).toBe("7");
    expect(pnpmForLockfile("lockfileVersion: '9.0'\n")).toBe("9");
  });
});

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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
  it("has nothing to install without package.json", () => {
    expect(detectInstall(project({ "index.html": "<p>hi</p>" }))).toBeNull();
  });

  it("uses npm ci with a package-lock.json and npm install without a lockfile", () => {
    expect(detectInstall(project({ "package.json": "{}", "package-lock.json": "{}" }))?.command).toBe("npm ci");
    expect(detectInstall(project({ "package.json": "{}" }))?.command).toBe("npm install");
  });

  it("fetches the pnpm the project pins, else the one its lockfile format implies", () => {
    const pinned = detectInstall(project({ "package.json": JSON.stringify({ packageManager: "pnpm@9.12.3+sha512.abc" }), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }));
    expect(pinned).toMatchObject({ packageManager: "pnpm", command: "npx --yes pnpm@9.12.3 install --frozen-lockfile" });
    expect(pinned?.caveat).toMatch(/BUILD_NETWORK=bridge/);
    const byLockfile = detectInstall(project({ "package.json": "{}", "pnpm-lock.yaml": "lockfileVersion: '6.0'\n" }));
    expect(byLockfile?.command).toBe("npx --yes pnpm@8 install --frozen-lockfile");
  });

  it("runs a committed Yarn 2+ release, else fetches Yarn", () => {
    const berry = detectInstall(project({ "package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.5.0.cjs\n", ".yarn/releases/yarn-4.5.0.cjs": "" }));
    expect(berry?.command).toBe("node .yarn/releases/yarn-4.5.0.cjs install --immutable");
    const classic = detectInstall(project({ "package.json": "{}", "yarn.lock": "" }));
    expect(classic?.command).toBe("npx --yes yarn@1 install --frozen-lockfile");
    const pinnedBerry = detectInstall(project({ "package.json": JSON.stringify({ packageManager: "yarn@4.5.0" }), "yarn.lock": "" }));
    expect(pinnedBerry?.command).toBe("npx --yes --package=@yarnpkg/cli-dist@4.5.0 -- yarn install --immutable");
  });

  it("never puts a hostile version or path into the command", () => {
    const hostile = detectInstall(project({ "package.json": JSON.stringify({ packageManager: "pnpm@9; touch /tmp/pwned" }), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }));
    expect(hostile?.command).toBe("npx --yes pnpm@9 install --frozen-lockfile");
    const yarnPath = detectInstall(project({ "package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: $(id).cjs\n", "$(id).cjs": "" }));
    expect(yarnPath?.command).toBe("npx --yes --package=@yarnpkg/cli-dist@4 -- yarn install --immutable");
  });
});

describe("helpers", () => {
  it("reads packageManager and lockfile formats", () => {
    expect(pinnedPackageManager('{"packageManager":"yarn@1.22.22"}')).toEqual({ name: "yarn", version: "1.22.22" });
    expect(pinnedPackageManager("not json")).toBeNull();
    expect(pnpmForLockfile("lockfileVersion: 5.4\n")).toBe("7");
    expect(pnpmForLockfile("lockfileVersion: '9.0'\n")).toBe("9");
  });
});

import { describe, expect, it } from "vitest";
import { sandboxCommand, sandboxOptions, type BwrapInfo, type HostLayout, type SandboxFiles } from "./bubblewrap-sandbox.js";
import type { BuildStep } from "../../step.js";

// The sandbox's definition, read without bwrap (tests/bubblewrap runs it for real).

const bwrap: BwrapInfo = { path: "/usr/bin/bwrap", version: [0, 8, 0], disableUserns: true, tmpfsSize: true };
const layout: HostLayout = { rootEntries: [["/bin", "usr/bin"], ["/lib64", null]], nodePrefix: null, caBundle: "/etc/ssl/certs/ca-certificates.crt" };
const files: SandboxFiles = { home: "/tmp/s/home", passwd: "/tmp/s/passwd", group: "/tmp/s/group" };
const step = (overrides: Partial<BuildStep> = {}): BuildStep => ({
  command: "npm run build",
  workDir: "/data/builds/d1/repo",
  env: { API_KEY: "value with spaces", PATH: "/custom/bin:/usr/bin" },
  memoryBytes: 512 * 1024 * 1024,
  nanoCpus: 1e9,
  pidsLimit: 256,
  network: "none",
  timeoutMs: 1000,
  onLine: () => undefined,
  ...overrides,
});

/** The options as pairs "flag value…" for readable assertions. */
function has(args: string[], ...sequence: string[]): boolean {
  return args.some((_, index) => sequence.every((part, offset) => args[index + offset] === part));
}

describe("sandboxOptions", () => {
  it("unshares every namespace, dies with the worker, and runs as the builder user", () => {
    const args = sandboxOptions(step(), bwrap, layout, files);
    for (const flag of ["--die-with-parent", "--new-session", "--unshare-all", "--unshare-user", "--disable-userns", "--clearenv"]) expect(args).toContain(flag);
    expect(has(args, "--uid", "1000", "--gid", "1000")).toBe(true);
    expect(args).not.toContain("--share-net");
  });

  it("shares the host's network only for network bridge; the egress proxy's steps have their own namespace", () => {
    expect(sandboxOptions(step({ network: "bridge" }), bwrap, layout, files)).toContain("--share-net");
    expect(sandboxOptions(step({ network: "none" }), bwrap, layout, files)).not.toContain("--share-net");
    expect(sandboxOptions(step({ network: undefined }), bwrap, layout, files)).not.toContain("--share-net");
  });

  it("binds the system read-only, the checkout read-write at /workspace, and a size-limited /tmp", () => {
    const args = sandboxOptions(step({ tmpBytes: 1234 }), bwrap, layout, files);
    expect(has(args, "--ro-bind", "/usr", "/usr")).toBe(true);
    expect(has(args, "--symlink", "usr/bin", "/bin")).toBe(true);
    expect(has(args, "--ro-bind", "/lib64", "/lib64")).toBe(true);
    expect(has(args, "--ro-bind-try", "/etc/ssl", "/etc/ssl")).toBe(true);
    expect(has(args, "--ro-bind", "/tmp/s/passwd", "/etc/passwd")).toBe(true);
    expect(has(args, "--size", "1234", "--tmpfs", "/tmp")).toBe(true);
    expect(has(args, "--bind", "/tmp/s/home", "/home/builder")).toBe(true);
    expect(has(args, "--bind", "/data/builds/d1/repo", "/workspace", "--chdir", "/workspace")).toBe(true);
    // Read-write binds are exactly the home and the checkout; nothing of /etc as a whole, /root, /home or /proc of the host.
    expect(args.filter((arg, index) => args[index - 1] === "--bind" && arg.startsWith("/"))).toEqual(["/tmp/s/home", "/data/builds/d1/repo"]);
    expect(has(args, "--ro-bind", "/etc", "/etc")).toBe(false);
    expect(has(args, "--proc", "/proc")).toBe(true);
  });

  it("sets the builder image's environment, then the deployment's variables, and nothing of the worker's", () => {
    process.env.HOST_SECRET = "must-not-leak";
    try {
      const args = sandboxOptions(step(), bwrap, layout, files);
      const clear = args.indexOf("--clearenv");
      const env: Record<string, string> = {};
      for (let index = clear + 1; index < args.length; index += 3) {
        expect(args[index]).toBe("--setenv");
        env[args[index + 1]!] = args[index + 2]!;
      }
      expect(env).toEqual({
        PATH: "/custom/bin:/usr/bin",
        HOME: "/home/builder",
        NPM_CONFIG_UPDATE_NOTIFIER: "false",
        // As the builder image does: node trusts the system's CAs too.
        NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt",
        API_KEY: "value with spaces",
      });
      expect(args.join(" ")).not.toContain("must-not-leak");
    } finally {
      delete process.env.HOST_SECRET;
    }
  });

  it("leaves out what an older bwrap does not know", () => {
    const old = sandboxOptions(step(), { ...bwrap, version: [0, 6, 1], disableUserns: false, tmpfsSize: false }, layout, files);
    expect(old).not.toContain("--disable-userns");
    expect(old).not.toContain("--size");
  });
});

describe("sandboxCommand", () => {
  it("puts no variable on the host's command line, and runs the command with sh -c inside", () => {
    const { file, args } = sandboxCommand(step(), "/usr/bin/bwrap", "/usr/bin/prlimit");
    expect(file).toBe("/usr/bin/prlimit");
    expect(args.slice(0, 4)).toEqual([`--data=${512 * 1024 * 1024}`, "--nproc=256", "--core=0", "--"]);
    expect(args.slice(4, 8)).toEqual(["/usr/bin/bwrap", "--args", "3", "--"]);
    expect(args.slice(8, 10)).toEqual(["/bin/sh", "-c"]);
    expect(args.slice(-2)).toEqual(["sh", "npm run build"]);
    expect(args.join(" ")).not.toContain("value with spaces");
  });

  it("runs bwrap directly without prlimit", () => {
    const { file, args } = sandboxCommand(step(), "/usr/bin/bwrap", null);
    expect(file).toBe("/usr/bin/bwrap");
    expect(args.slice(0, 3)).toEqual(["--args", "3", "--"]);
  });
});

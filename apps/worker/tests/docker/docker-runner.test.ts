import { lstat, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import { type AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runInContainer } from "../../src/builder/runners/docker/docker-runner.js";
import { builderImage, docker, dockerUnavailable, makeWorkDir, managedContainers, stepOptions } from "./helpers.js";

describe.skipIf(dockerUnavailable)(`runInContainer (${builderImage})`, () => {
  let workDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir: workDir, cleanup } = await makeWorkDir());
    // Would leak into the build if anything copied the worker's environment.
    process.env.HOST_SECRET = "must-not-leak";
  });
  afterEach(async () => {
    expect(await managedContainers()).toEqual([]);
  });
  afterAll(async () => {
    delete process.env.HOST_SECRET;
    await cleanup?.();
  });

  it("runs a trivial command quickly", async () => {
    const options = stepOptions(workDir, { command: "echo hello" });
    const result = await runInContainer(docker, options);
    expect(result).toMatchObject({ exitCode: 0, oomKilled: false, timedOut: false, cancelled: false });
    expect(options.lines.stdout).toEqual(["hello"]);
    console.log(`trivial container run: ${result.durationMs} ms`);
  });

  it("keeps stdout and stderr apart, each in order, with the last partial line", async () => {
    const options = stepOptions(workDir, {
      command: "echo out1; echo err1 >&2; echo out2; printf 'a\\r\\nb\\r\\n'; echo err2 >&2; seq 1 3000; printf 'no newline'",
    });
    const result = await runInContainer(docker, options);
    expect(result.exitCode).toBe(0);
    const numbers = Array.from({ length: 3000 }, (_, index) => String(index + 1));
    expect(options.lines.stdout).toEqual(["out1", "out2", "a", "b", ...numbers, "no newline"]);
    expect(options.lines.stderr).toEqual(["err1", "err2"]);
  });

  it("passes only the given environment", async () => {
    const options = stepOptions(workDir, { command: "env", env: { BUILD_VAR: "given value", NODE_ENV: "production" } });
    await runInContainer(docker, options);
    expect(options.lines.stdout).toContain("BUILD_VAR=given value");
    expect(options.lines.stdout).toContain("NODE_ENV=production");
    expect(options.lines.stdout.join("\n")).not.toContain("must-not-leak");
    expect(options.lines.stdout.some((line) => line.startsWith("HOST_SECRET="))).toBe(false);
  });

  it("runs as uid 1000 without capabilities or privilege escalation", async () => {
    const options = stepOptions(workDir, { command: "id -u; id -g; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status" });
    await runInContainer(docker, options);
    expect(options.lines.stdout[0]).toBe("1000");
    expect(options.lines.stdout[1]).toBe("1000");
    expect(options.lines.stdout).toContain("CapEff:\t0000000000000000");
    expect(options.lines.stdout).toContain("NoNewPrivs:\t1");
  });

  it("has no network with network none: loopback only, name lookups fail fast", async () => {
    // No traffic to public addresses: read the interfaces, and try a DNS lookup,
    // which cannot leave a container without interfaces.
    const options = stepOptions(workDir, {
      command: "cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' '; "
        + "node -e \"require('dns').lookup('registry.npmjs.org', (e) => { console.log(e ? 'lookup failed: ' + e.code : 'lookup ok'); })\"",
    });
    const result = await runInContainer(docker, options);
    expect(options.lines.stdout).toEqual(["lo", expect.stringMatching(/^lookup failed: /)]);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("has outbound network with network bridge (checked against a local server only)", async () => {
    // The bridge's gateway is this host: a server here is reachable without
    // sending anything to a public address.
    const bridge = await docker.getNetwork("bridge").inspect();
    // Docker 20.10 leaves Gateway out of the default bridge's IPAM config: the engine's default is the subnet's first address.
    const config = bridge.IPAM?.Config?.[0];
    const gateway = config?.Gateway ?? (config?.Subnet ? firstAddress(config.Subnet) : undefined);
    if (!gateway) throw new Error("the bridge network has no gateway address");
    const server = http.createServer((_request, response) => response.end("from host"));
    await new Promise<void>((resolve) => server.listen(0, gateway, resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const options = stepOptions(workDir, { network: "bridge", command: `wget -q -O - http://${gateway}:${port}/` });
      const result = await runInContainer(docker, options);
      expect(result.exitCode).toBe(0);
      expect(options.lines.stdout).toEqual(["from host"]);
    } finally {
      server.close();
    }
  });

  it("writes into /workspace land in the host directory, owned by the builder", async () => {
    // A root-owned file from the checkout must be writable by the build afterwards.
    await writeFile(path.join(workDir, "from-checkout.txt"), "checkout\n", { mode: 0o644 });
    // A link out of the work directory must not hand its target to the builder.
    const outside = path.join(path.dirname(workDir), `outside-${path.basename(workDir)}`);
    await writeFile(outside, "host file\n", { mode: 0o644 });
    await symlink(outside, path.join(workDir, "link-out"));
    try {
      const options = stepOptions(workDir, {
        command: "mkdir -p dist && echo built > dist/out.txt && echo appended >> from-checkout.txt && pwd",
      });
      const result = await runInContainer(docker, options);
      expect(result.exitCode).toBe(0);
      expect(options.lines.stdout).toEqual(["/workspace"]);
      expect(await readFile(path.join(workDir, "dist/out.txt"), "utf8")).toBe("built\n");
      expect(await readFile(path.join(workDir, "from-checkout.txt"), "utf8")).toBe("checkout\nappended\n");
      expect((await stat(path.join(workDir, "dist/out.txt"))).uid).toBe(1000);
      expect((await lstat(path.join(workDir, "link-out"))).uid).toBe(1000);
      expect((await stat(outside)).uid).toBe(process.getuid!());
    } finally {
      await rm(outside, { force: true });
    }
  });

  it("reports the exit code of a failing command", async () => {
    const options = stepOptions(workDir, { command: "echo failing >&2; exit 42" });
    const result = await runInContainer(docker, options);
    expect(result).toMatchObject({ exitCode: 42, oomKilled: false, timedOut: false, cancelled: false });
    expect(options.lines.stderr).toEqual(["failing"]);
  });

  it("reports an OOM kill when the build allocates past the memory limit", async () => {
    const options = stepOptions(workDir, {
      memoryBytes: 64 * 1024 * 1024,
      command: "node -e \"const keep = []; for (;;) keep.push(Buffer.alloc(8 << 20, 1))\"",
    });
    const result = await runInContainer(docker, options);
    expect(result).toMatchObject({ exitCode: 137, oomKilled: true, timedOut: false, cancelled: false });
  });

  it("still reports the OOM kill when the shell survives it", async () => {
    const options = stepOptions(workDir, {
      memoryBytes: 64 * 1024 * 1024,
      command: "node -e \"const keep = []; for (;;) keep.push(Buffer.alloc(8 << 20, 1))\"; echo survived",
    });
    const result = await runInContainer(docker, options);
    expect(result).toMatchObject({ exitCode: 0, oomKilled: true });
    expect(options.lines.stdout).toEqual(["survived"]);
  });

  it("is cancelled through the AbortSignal within 5 s", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const options = stepOptions(workDir, {
      command: "echo started; sleep 30",
      signal: controller.signal,
      onLine: (_stream, line) => {
        if (line === "started") {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const result = await runInContainer(docker, options);
    const latency = performance.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(result).toMatchObject({ cancelled: true, timedOut: false, oomKilled: false });
    expect(latency).toBeLessThan(5000);
    console.log(`cancel latency: ${Math.round(latency)} ms (exit ${result.exitCode})`);
  });

  it("does not create a container when already aborted", async () => {
    const result = await runInContainer(docker, stepOptions(workDir, { signal: AbortSignal.abort() }));
    expect(result).toMatchObject({ exitCode: null, cancelled: true });
  });

  it("stops a command that runs past its timeout", async () => {
    const result = await runInContainer(docker, stepOptions(workDir, { command: "sleep 30", timeoutMs: 1000 }));
    expect(result).toMatchObject({ timedOut: true, cancelled: false, oomKilled: false });
    expect(result.durationMs).toBeLessThan(6000);
    console.log(`timeout of 1 s: returned after ${result.durationMs} ms (exit ${result.exitCode})`);
  });

  it("rethrows an onLine failure after removing the container", async () => {
    const options = stepOptions(workDir, {
      command: "echo one; echo two",
      onLine: () => {
        throw new Error("log store down");
      },
    });
    await expect(runInContainer(docker, options)).rejects.toThrow("log store down");
  });

  it("fails clearly for an image that does not exist, leaving nothing behind", async () => {
    await expect(runInContainer(docker, stepOptions(workDir, { image: "autostack/no-such-image:1" }))).rejects.toThrow(/no such image/i);
  });
});

/** 172.17.0.0/16 → 172.17.0.1 */
function firstAddress(subnet: string): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(subnet);
  return match ? `${match[1]}.${match[2]}.${match[3]}.${Number(match[4]) + 1}` : undefined;
}

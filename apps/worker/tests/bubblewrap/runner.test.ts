import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeStaleSandboxFiles } from "../../src/builder/runners/bubblewrap/bubblewrap-files.js";
import { checkBubblewrap, runInSandbox } from "../../src/builder/runners/bubblewrap/bubblewrap-runner.js";
import { StepSetupError } from "../../src/builder/step.js";
import { bwrapUnavailable, makeTmp, sandboxStep } from "./helpers.js";

// runInSandbox for real: what a build can see and do inside, and that nothing
// of it is left running afterwards, however the step ends.

const isRoot = process.getuid?.() === 0;

/** PIDs of host processes whose command line contains `marker`. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(marker)) found.push(Number(entry));
  }
  return found;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A `sleep` argument no other process has. */
const uniqueSleep = () => `${300 + Math.floor(Math.random() * 1000)}.${process.pid}`;

describe.skipIf(bwrapUnavailable)("runInSandbox (bubblewrap)", () => {
  let workDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir: workDir, cleanup } = await makeTmp("autostack-bwrap-runner-"));
    // Would leak into the build if anything copied the worker's environment.
    process.env.HOST_SECRET = "must-not-leak";
  });
  afterAll(async () => {
    delete process.env.HOST_SECRET;
    await cleanup?.();
  });

  it("runs a trivial command quickly", async () => {
    const step = sandboxStep(workDir, { command: "echo hello" });
    const result = await runInSandbox(step);
    expect(result).toMatchObject({ exitCode: 0, oomKilled: false, timedOut: false, cancelled: false });
    expect(step.lines).toEqual({ stdout: ["hello"], stderr: [] });
    expect(result.durationMs).toBeLessThan(2000);
    console.log(`trivial sandbox run: ${result.durationMs} ms`);
  });

  it("keeps stdout and stderr apart, each in order, with the last partial line", async () => {
    const step = sandboxStep(workDir, { command: "echo out1; echo err1 >&2; echo out2; echo err2 >&2; seq 1 3000; printf 'no newline'" });
    expect((await runInSandbox(step)).exitCode).toBe(0);
    expect(step.lines.stdout).toEqual(["out1", "out2", ...Array.from({ length: 3000 }, (_, i) => String(i + 1)), "no newline"]);
    expect(step.lines.stderr).toEqual(["err1", "err2"]);
  });

  it("passes only the given environment, on top of the builder image's PATH and HOME", async () => {
    const step = sandboxStep(workDir, { command: "env | sort", env: { BUILD_VAR: "given value", NODE_ENV: "production" } });
    await runInSandbox(step);
    expect(step.lines.stdout).toEqual([
      "BUILD_VAR=given value",
      "HOME=/home/builder",
      "NODE_ENV=production",
      "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt", // the host's bundle, as the builder image has it
      "NPM_CONFIG_UPDATE_NOTIFIER=false",
      "PATH=/usr/local/bin:/usr/bin:/bin",
      "PWD=/workspace",
    ]);
    expect(step.lines.stdout.join("\n")).not.toContain("must-not-leak");
  });

  it("runs as uid 1000 without capabilities, privilege escalation or further user namespaces", async () => {
    const step = sandboxStep(workDir, {
      command: "id -u; id -g; id -un; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; unshare -U true 2>/dev/null && echo nested userns || echo no nested userns",
    });
    await runInSandbox(step);
    expect(step.lines.stdout.slice(0, 3)).toEqual(["1000", "1000", "builder"]);
    expect(step.lines.stdout).toContain("CapEff:\t0000000000000000");
    expect(step.lines.stdout).toContain("NoNewPrivs:\t1");
    expect(step.lines.stdout.at(-1)).toBe("no nested userns");
  });

  it("sees the system read-only and nothing of the host's data: no /root, /home, /var, /srv or /work, no shadow file", async () => {
    const step = sandboxStep(workDir, {
      command: "ls /; ls /etc; touch /usr/x 2>/dev/null && echo usr writable || echo usr read-only; ls /proc | grep -c '^[0-9]'",
    });
    await runInSandbox(step);
    const [rootListing, etcListing] = [new Set<string>(), new Set<string>()];
    const lines = step.lines.stdout;
    // `ls /` and `ls /etc` print one name a line (not a terminal).
    const etcStart = lines.indexOf("alternatives") >= 0 ? lines.indexOf("alternatives") : lines.indexOf("group");
    for (const name of lines.slice(0, etcStart)) rootListing.add(name);
    for (const name of lines.slice(etcStart, -2)) etcListing.add(name);
    expect([...rootListing].sort()).toEqual(expect.arrayContaining(["dev", "etc", "home", "proc", "tmp", "usr", "workspace"]));
    for (const hidden of ["root", "var", "srv", "work", "mnt", "opt"]) expect(rootListing.has(hidden)).toBe(false);
    expect(etcListing.has("shadow")).toBe(false);
    expect(etcListing.has("passwd")).toBe(true);
    expect(lines.at(-2)).toBe("usr read-only");
    // Its own PID namespace: sh, ls/grep and the namespace's init, not the host's processes.
    expect(Number(lines.at(-1))).toBeLessThan(10);
  });

  it("has no network with network none: loopback only, name lookups fail fast", async () => {
    const step = sandboxStep(workDir, {
      command: "cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' '; "
        + "node -e \"require('dns').lookup('registry.npmjs.org', (e) => { console.log(e ? 'lookup failed: ' + e.code : 'lookup ok'); })\"",
    });
    const result = await runInSandbox(step);
    expect(step.lines.stdout).toEqual(["lo", expect.stringMatching(/^lookup failed: /)]);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("has the host's network with network bridge (checked against a local server only)", async () => {
    const server = http.createServer((_request, response) => response.end("from host"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const script = `fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then(console.log, (e) => console.log('failed', e.cause?.code))`;
      const shared = sandboxStep(workDir, { network: "bridge", command: `node -e "${script}"` });
      expect((await runInSandbox(shared)).exitCode).toBe(0);
      expect(shared.lines.stdout).toEqual(["from host"]);
      const cut = sandboxStep(workDir, { network: "none", command: `node -e "${script}"` });
      await runInSandbox(cut);
      expect(cut.lines.stdout).toEqual(["failed ECONNREFUSED"]);
    } finally {
      server.close();
    }
  });

  it("writes into /workspace land in the host directory, owned by the builder", async () => {
    await writeFile(path.join(workDir, "from-checkout.txt"), "checkout\n", { mode: 0o644 });
    const step = sandboxStep(workDir, { command: "mkdir -p dist && echo built > dist/out.txt && echo appended >> from-checkout.txt && pwd && echo cached > $HOME/.cache-file" });
    expect((await runInSandbox(step)).exitCode).toBe(0);
    expect(step.lines.stdout).toEqual(["/workspace"]);
    expect(await readFile(path.join(workDir, "dist/out.txt"), "utf8")).toBe("built\n");
    expect(await readFile(path.join(workDir, "from-checkout.txt"), "utf8")).toBe("checkout\nappended\n");
    if (isRoot) expect((await stat(path.join(workDir, "dist/out.txt"))).uid).toBe(1000);
  });

  it("reports the exit code of a failing command", async () => {
    const result = await runInSandbox(sandboxStep(workDir, { command: "echo failing; exit 3" }));
    expect(result).toMatchObject({ exitCode: 3, oomKilled: false, timedOut: false, cancelled: false });
  });

  it("limits the memory of each process: an allocation past the limit fails, one below it works", async () => {
    const limit = 256 * 1024 * 1024;
    const allocate = (mb: number) => `node -e "const keep = []; for (let i = 0; i < ${mb / 8}; i++) keep.push(Buffer.alloc(8 << 20, 1)); console.log('allocated ${mb} MB')"`;
    const within = sandboxStep(workDir, { memoryBytes: limit, command: `grep 'Max data size' /proc/self/limits; ${allocate(64)}` });
    expect((await runInSandbox(within)).exitCode).toBe(0);
    expect(within.lines.stdout).toEqual([expect.stringMatching(/^Max data size\s+268435456\s+268435456\s+bytes/), "allocated 64 MB"]);
    const past = sandboxStep(workDir, { memoryBytes: limit, command: allocate(1024) });
    const result = await runInSandbox(past);
    expect(result.exitCode).not.toBe(0);
    expect(past.lines.stdout).toEqual([]);
    expect(past.lines.stderr.join("\n")).toMatch(/allocation failed|out of memory/i);
  });

  it("limits the number of processes of the sandbox", async () => {
    const marker = uniqueSleep();
    const step = sandboxStep(workDir, { pidsLimit: 32, command: `grep 'Max processes' /proc/self/limits; for i in $(seq 1 64); do sleep ${marker} & done; echo all started` });
    const result = await runInSandbox(step);
    // dash gives up at the first fork the kernel refuses.
    expect(result.exitCode).not.toBe(0);
    expect(step.lines.stdout).toEqual([expect.stringMatching(/^Max processes\s+32\s+32\s+processes/)]);
    expect(step.lines.stderr.join("\n")).toMatch(/Cannot fork/);
    await waitFor(async () => (await processesWith(marker)).length === 0, 2000, "the sleeps to end with the sandbox");
  });

  it("is cancelled through the AbortSignal within 5 s, leaving no process behind", async () => {
    const marker = uniqueSleep();
    const controller = new AbortController();
    const step = sandboxStep(workDir, { command: `echo started; sleep ${marker} & sleep ${marker}`, signal: controller.signal });
    const running = runInSandbox(step);
    await waitFor(async () => (await processesWith(marker)).length === 2, 5000, "the sleeps");
    const requested = Date.now();
    controller.abort();
    const result = await running;
    expect(Date.now() - requested).toBeLessThan(5000);
    expect(result).toMatchObject({ cancelled: true, timedOut: false, oomKilled: false });
    expect(await processesWith(marker)).toEqual([]);
  });

  it("does not start when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runInSandbox(sandboxStep(workDir, { command: "echo never", signal: controller.signal }));
    expect(result).toMatchObject({ exitCode: null, cancelled: true });
  });

  it("stops a command that runs past its timeout, with everything it started", async () => {
    const marker = uniqueSleep();
    const result = await runInSandbox(sandboxStep(workDir, { command: `(setsid sleep ${marker} &); sleep ${marker}`, timeoutMs: 700 }));
    expect(result).toMatchObject({ timedOut: true, cancelled: false });
    expect(result.durationMs).toBeLessThan(3000);
    expect(await processesWith(marker)).toEqual([]);
  });

  it("ends what the command left in the background when the command exits", async () => {
    const marker = uniqueSleep();
    const result = await runInSandbox(sandboxStep(workDir, { command: `nohup sleep ${marker} >/dev/null 2>&1 & echo done` }));
    expect(result.exitCode).toBe(0);
    await waitFor(async () => (await processesWith(marker)).length === 0, 2000, "the background sleep to end");
  });

  it("dies with the worker: a SIGKILLed worker leaves no sandbox process running", async () => {
    const marker = uniqueSleep();
    const fixture = fileURLToPath(new URL("./fixtures/run-step.ts", import.meta.url));
    // tsx as a loader of this very process (its CLI would run the script in a child, and we must kill the spawner of bwrap).
    const worker = spawn(process.execPath, ["--import", "tsx", "--conditions=source", fixture, workDir, `echo started; sleep ${marker}`], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await waitFor(async () => (await processesWith(marker)).length === 1, 15_000, "the sandboxed sleep");
      worker.kill("SIGKILL");
      await waitFor(async () => (await processesWith(marker)).length === 0, 2000, "the sandbox to die with its worker");
    } finally {
      worker.kill("SIGKILL");
    }
  });

  it("removes the per-step directories that killed workers left, and only those", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const ofDead = path.join(tmpdir(), `autostack-sandbox-${dead}-test`);
    const ofLive = path.join(tmpdir(), `autostack-sandbox-1-test`);
    await mkdir(path.join(ofDead, "home"), { recursive: true });
    await mkdir(ofLive, { recursive: true });
    try {
      const removed = await removeStaleSandboxFiles();
      expect(removed).toContain(path.basename(ofDead));
      expect(removed).not.toContain(path.basename(ofLive));
      await expect(stat(ofDead)).rejects.toThrow();
      expect((await stat(ofLive)).isDirectory()).toBe(true);
    } finally {
      await rm(ofDead, { recursive: true, force: true });
      await rm(ofLive, { recursive: true, force: true });
    }
  });

  it("closes the descriptors it used to start the sandbox", async () => {
    const step = sandboxStep(workDir, { command: "ls /proc/self/fd" });
    await runInSandbox(step);
    // 0-2, and the one ls opens to read the directory; nothing from 3 to 9 of ours.
    expect(step.lines.stdout.filter((fd) => Number(fd) >= 4 && Number(fd) <= 9)).toEqual([]);
  });

  it.skipIf(!isRoot)("says so when the builder user cannot reach the checkout", async () => {
    const { dir, cleanup: remove } = await makeTmp("autostack-bwrap-private-");
    try {
      const hidden = path.join(dir, "private");
      await mkdir(path.join(hidden, "repo"), { recursive: true });
      await chmod(hidden, 0o700);
      const error = await runInSandbox(sandboxStep(path.join(hidden, "repo"))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StepSetupError);
      expect((error as Error).message).toBe(`The build sandbox runs as uid 1000, which cannot enter ${hidden} (mode 0700): make it reachable (chmod o+x ${hidden}) or move DATA_DIR out of it`);
    } finally {
      await remove();
    }
  });

  it("rethrows an onLine failure after the step", async () => {
    const step = sandboxStep(workDir, {
      command: "echo one; echo two",
      onLine: () => {
        throw new Error("sink broke");
      },
    });
    await expect(runInSandbox(step)).rejects.toThrow("sink broke");
  });

  it("is not ready, with the way out, where bwrap is missing", async () => {
    const readiness = await checkBubblewrap({ bwrap: "/nonexistent/bwrap" });
    expect(readiness).toEqual({
      ready: false,
      reason: "BUILD_RUNNER=bubblewrap, but bubblewrap (bwrap) is not installed at /nonexistent/bwrap: install it (Debian/Ubuntu: apt-get install bubblewrap) or use BUILD_RUNNER=docker",
    });
    await rm(path.join(workDir, "dist"), { recursive: true, force: true });
  });
});

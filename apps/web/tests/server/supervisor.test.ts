import { afterEach, describe, expect, it } from "vitest";
import { createBackoff, createSupervisor, processAlive, processService, type Supervisor } from "../../../../scripts/supervisor.mjs";

// scripts/supervisor.mjs, which keeps `pnpm start`'s web server, worker and
// embedded PostgreSQL running, with real child processes (tiny node scripts).

const FAST = { initialMs: 50, maxMs: 400, resetAfterMs: 60_000 };
const idle = (name: string) => processService(process.execPath, ["-e", `setInterval(() => {}, 1000); process.title = ${JSON.stringify(name)};`], { stdio: "ignore" });
const crashing = (code: number) => processService(process.execPath, ["-e", `process.exit(${code})`], { stdio: "ignore" });

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("supervisor", () => {
  it("restarts a child killed with SIGKILL after a backoff, logging the signal; the other child keeps running", async () => {
    const lines: string[] = [];
    supervisor = createSupervisor({ log: (line) => lines.push(line), backoff: FAST });
    await supervisor.add("web", idle("web"));
    await supervisor.add("worker", idle("worker"));
    const web = supervisor.pid("web")!;
    const worker = supervisor.pid("worker")!;
    expect(lines).toEqual([`web started (pid ${web})`, `worker started (pid ${worker})`]);

    process.kill(worker, "SIGKILL");
    await until(() => supervisor!.starts("worker") === 2 && supervisor!.pid("worker") !== undefined, "the worker's restart");

    expect(lines).toContainEqual(expect.stringMatching(/^worker exited \(SIGKILL\) after .+; restarting in 50 ms$/));
    expect(supervisor.pid("worker")).not.toBe(worker);
    expect(processAlive(supervisor.pid("worker")!)).toBe(true);
    expect(supervisor.pid("web")).toBe(web);
    expect(supervisor.starts("web")).toBe(1);
    expect(processAlive(web)).toBe(true);
  });

  it("stop() ends every child, the stopLast services after the others, and restarts nothing", async () => {
    const order: string[] = [];
    supervisor = createSupervisor({ backoff: FAST });
    const traced = (name: string, start: ReturnType<typeof processService>) => async () => {
      const run = await start();
      return {
        ...run,
        stop: async () => {
          order.push(`${name} stopping`);
          await run.stop();
          order.push(`${name} stopped`);
        },
      };
    };
    await supervisor.add("database", traced("database", idle("database")), { stopLast: true });
    await supervisor.add("web", traced("web", idle("web")));
    await supervisor.add("worker", traced("worker", idle("worker")));
    const pids = ["database", "web", "worker"].map((name) => supervisor!.pid(name)!);

    await supervisor.stop();

    expect(pids.map(processAlive)).toEqual([false, false, false]);
    expect(order.slice(0, 2).sort()).toEqual(["web stopping", "worker stopping"]);
    expect(order.slice(2, 4).sort()).toEqual(["web stopped", "worker stopped"]);
    expect(order.slice(4)).toEqual(["database stopping", "database stopped"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(["database", "web", "worker"].map((name) => supervisor!.starts(name))).toEqual([1, 1, 1]);
  });

  it("stop() during a backoff cancels the pending restart", async () => {
    const lines: string[] = [];
    supervisor = createSupervisor({ log: (line) => lines.push(line), backoff: { initialMs: 300, maxMs: 300, resetAfterMs: 60_000 } });
    await supervisor.add("web", crashing(1));
    await until(() => lines.some((line) => line.includes("restarting in 300 ms")), "the first exit");
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(supervisor.starts("web")).toBe(1);
  });

  it("a child that keeps crashing is restarted with a doubling delay, up to the maximum, each exit logged with its code", async () => {
    const lines: string[] = [];
    supervisor = createSupervisor({ log: (line) => lines.push(line), backoff: { initialMs: 20, maxMs: 160, resetAfterMs: 60_000 } });
    await supervisor.add("web", crashing(3));
    await until(() => lines.filter((line) => line.startsWith("web exited")).length >= 6, "six exits");
    const delays = lines.filter((line) => line.startsWith("web exited")).map((line) => /^web exited \(code 3\) after .+; restarting in (\d+) ms$/.exec(line)?.[1]);
    expect(delays.slice(0, 6)).toEqual(["20", "40", "80", "160", "160", "160"]);
  });

  it("a service that fails to start is retried with the same backoff", async () => {
    const lines: string[] = [];
    let attempts = 0;
    supervisor = createSupervisor({ log: (line) => lines.push(line), backoff: FAST });
    await supervisor.add("postgres", async () => {
      attempts++;
      if (attempts < 3) throw new Error("shared memory still in use");
      return idle("postgres")();
    });
    await until(() => supervisor!.pid("postgres") !== undefined, "the third attempt");
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(/^postgres failed to start \(shared memory still in use\) after .+; restarting in 50 ms$/),
      expect.stringMatching(/^postgres failed to start \(shared memory still in use\) after .+; restarting in 100 ms$/),
    ]);
  });
});

describe("backoff", () => {
  it("doubles from 0.5 s to 30 s, and starts over after a run of 60 s or more", () => {
    const backoff = createBackoff();
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(() => backoff.next(1_000))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.next(59_999)).toBe(30_000);
    expect(backoff.next(60_000)).toBe(500);
    expect(backoff.next(100)).toBe(1_000);
  });
});

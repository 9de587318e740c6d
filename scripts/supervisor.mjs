// Keeps `pnpm start`'s services running: a service that dies (a crashed web
// server, an OOM-killed worker, a killed PostgreSQL) is started again after a
// backoff, and the others go on. Only stop() ends them. Plain Node, no
// dependencies, so that scripts/start.mjs runs on a machine with just Node 20.
import { spawn } from "node:child_process";
import { processAlive } from "./process-alive.mjs";

export { processAlive };

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * Restart delays of one service: `initialMs` doubling up to `maxMs`; a run
 * that lasted `resetAfterMs` or longer counts as healthy and starts over.
 */
export function createBackoff({ initialMs, maxMs, resetAfterMs } = DEFAULT_BACKOFF) {
  let failures = 0;
  return {
    /** The delay before the next start, given how long the last run lasted. */
    next(uptimeMs) {
      if (uptimeMs >= resetAfterMs) failures = 0;
      const delay = Math.min(initialMs * 2 ** failures, maxMs);
      if (delay < maxMs) failures++;
      return delay;
    },
  };
}

/** "SIGKILL" or "code 1": why a run ended, as the restart log line says it. */
export function exitReason({ code, signal, error }) {
  if (error) return `error: ${error.message}`;
  return signal ?? `code ${code}`;
}

/**
 * A child process as a service: start() spawns it; the run's `exited`
 * resolves with its exit code or signal; stop() sends SIGTERM and waits.
 */
export function processService(command, args, options = {}) {
  return async () => {
    const child = spawn(command, args, options);
    const exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
      // A command that cannot be spawned (ENOENT) may never emit "exit".
      child.once("error", (error) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, error });
      });
    });
    return {
      pid: child.pid,
      exited,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
      },
    };
  };
}

/** Resolves once process `pid` is gone (checked every `intervalMs`), unless cancelled. */
export function watchPid(pid, intervalMs = 500) {
  let timer;
  const exited = new Promise((resolve) => {
    timer = setInterval(() => {
      if (processAlive(pid)) return;
      clearInterval(timer);
      resolve({ code: null, signal: null, error: new Error(`process ${pid} is gone`) });
    }, intervalMs);
  });
  return { exited, cancel: () => clearInterval(timer) };
}

/**
 * Services are started in the order they are added (each add() resolves once
 * its first start attempt is over). stop() ends them all: the ordinary ones
 * together, then the `stopLast` ones (the database the others use).
 */
export function createSupervisor({ log = () => undefined, backoff = DEFAULT_BACKOFF, now = Date.now } = {}) {
  const services = [];
  let stopping = false;

  function add(name, start, { stopLast = false } = {}) {
    const service = { name, start, stopLast, backoff: createBackoff(backoff), run: null, timer: null, starts: 0, starting: Promise.resolve() };
    services.push(service);
    return launch(service);
  }

  function launch(service) {
    if (stopping) return Promise.resolve();
    service.starting = startOnce(service);
    return service.starting;
  }

  async function startOnce(service) {
    const startedAt = now();
    service.starts++;
    let run;
    try {
      run = await service.start();
    } catch (error) {
      if (!stopping) restartLater(service, now() - startedAt, `failed to start (${error.message})`);
      return;
    }
    service.run = run;
    // stop() came while starting: it waits for this start, then stops the run.
    if (stopping) return;
    log(`${service.name} started${run.pid ? ` (pid ${run.pid})` : ""}`);
    void run.exited.then((result) => {
      if (service.run === run) service.run = null;
      if (!stopping) restartLater(service, now() - startedAt, `exited (${exitReason(result)})`);
    });
  }

  function restartLater(service, uptime, what) {
    const delay = service.backoff.next(uptime);
    log(`${service.name} ${what} after ${formatMs(uptime)}; restarting in ${formatMs(delay)}`);
    service.timer = setTimeout(() => {
      service.timer = null;
      void launch(service);
    }, delay);
  }

  async function stopGroup(group) {
    await Promise.all(
      group.map(async (service) => {
        clearTimeout(service.timer);
        service.timer = null;
        await service.starting;
        await service.run?.stop();
      }),
    );
  }

  return {
    add,
    /** Ends every service; none is restarted after this. */
    async stop() {
      stopping = true;
      await stopGroup(services.filter((s) => !s.stopLast));
      await stopGroup(services.filter((s) => s.stopLast));
    },
    get stopping() {
      return stopping;
    },
    /** The pid of a service's current run (undefined between runs). */
    pid(name) {
      return services.find((s) => s.name === name)?.run?.pid;
    },
    /** How many times a service was started (restarts included). */
    starts(name) {
      return services.find((s) => s.name === name)?.starts ?? 0;
    },
  };
}

function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

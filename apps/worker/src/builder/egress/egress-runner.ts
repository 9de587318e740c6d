import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { removeStaleTempDirs } from "../stale-temp-dirs.js";
import type { BuildStep, StepRunner } from "../step.js";
import type { EgressPolicy } from "./egress-policy.js";
import { startEgressProxy } from "./egress-proxy.js";
import { EGRESS_MOUNT, FORWARDER_FILE, FORWARDER_SOURCE, PROXY_ENV, PROXY_SOCKET, withForwarder } from "./sandbox-forwarder.js";

// BUILD_NETWORK=public (ADR 0015) for any runner: each step gets its own
// proxy (egress-proxy.ts) on a Unix socket in a fresh directory, which the
// runner mounts read-only; the step itself runs with network "none", so the
// proxy is its only way out. Blocked connections are reported through
// step.onNotice, each target once, at most MAX_NOTICES per step.

/** Directory name prefix under the temporary directory; the pid tells a dead worker's apart (stale-temp-dirs.ts). */
export const EGRESS_DIR_PREFIX = "autostack-egress-";
const MAX_NOTICES = 20;

export function withEgress(runner: StepRunner, policy: EgressPolicy): StepRunner {
  return {
    kind: runner.kind,
    check: () => runner.check(),
    async run(step) {
      if (step.network !== "public") return runner.run(step);
      await removeStaleTempDirs(EGRESS_DIR_PREFIX);
      // Short: a Unix socket's path must fit in 108 bytes.
      const dir = await mkdtemp(path.join(os.tmpdir(), `${EGRESS_DIR_PREFIX}${process.pid}-`));
      try {
        await chmod(dir, 0o755);
        await writeFile(path.join(dir, FORWARDER_FILE), FORWARDER_SOURCE, { mode: 0o644 });
        const proxy = await startEgressProxy({ socketPath: path.join(dir, PROXY_SOCKET), policy, onBlocked: blockedNotices(step) });
        try {
          return await runner.run({
            ...step,
            network: "none",
            command: withForwarder(step.command),
            env: { ...step.env, ...PROXY_ENV },
            mounts: [...(step.mounts ?? []), { source: dir, target: EGRESS_MOUNT, readOnly: true }],
          });
        } finally {
          await proxy.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      }
    },
  };
}

function blockedNotices(step: BuildStep): (target: string, reason: string) => void {
  const seen = new Set<string>();
  return (target, reason) => {
    if (seen.has(target) || seen.size > MAX_NOTICES) return;
    seen.add(target);
    if (seen.size > MAX_NOTICES) {
      step.onNotice?.("More connections were blocked; they are not listed");
      return;
    }
    step.onNotice?.(`Blocked a connection to ${target}: ${reason}. Builds reach public addresses only (BUILD_NETWORK=public)`);
  };
}

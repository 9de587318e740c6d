import type { Database } from "@autostack/db";

// How a running build learns that it must stop: the worker shuts down, the
// user cancels (cancel_requested_at, polled), or another worker took the
// deployment over because this one was presumed dead (ADR 0009).

export class BuildCancelled extends Error {}
/** The deployment is no longer this worker's: a retry elsewhere holds it, or the sweep finished it. */
export class BuildSuperseded extends Error {}

/** Whether the deployment is still this worker's build (markBuilding stores the id clipped to 128 characters). */
export function ownedBy(row: { status: string; workerId: string | null }, workerId: string): boolean {
  const stored = workerId.length > 128 ? `${workerId.slice(0, 127)}…` : workerId;
  return row.workerId === stored && ["building", "deploying"].includes(row.status);
}

/** Aborts when the worker shuts down, a cancel is requested or another worker took the deployment over (polled). */
export interface CancelWatch {
  signal: AbortSignal;
  cancelRequested(): boolean;
  superseded(): boolean;
  stop(): void;
}

export function watchCancel(db: Database, id: string, workerId: string, shutdown: AbortSignal | undefined, pollMs: number): CancelWatch {
  const controller = new AbortController();
  let requested = false;
  let superseded = false;
  const onShutdown = () => controller.abort(shutdown?.reason);
  if (shutdown?.aborted) onShutdown();
  else shutdown?.addEventListener("abort", onShutdown, { once: true });
  let polling = false;
  const timer = setInterval(() => {
    if (polling || controller.signal.aborted) return;
    polling = true;
    db.deployment
      .findUnique({ where: { id }, select: { cancelRequestedAt: true, status: true, workerId: true } })
      .then((row) => {
        if (!row || row.cancelRequestedAt) {
          requested = true;
          controller.abort(new BuildCancelled());
        } else if (!ownedBy(row, workerId)) {
          superseded = true;
          controller.abort(new BuildSuperseded());
        }
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, pollMs);
  timer.unref();
  return {
    signal: controller.signal,
    cancelRequested: () => requested,
    superseded: () => superseded,
    stop: () => {
      clearInterval(timer);
      shutdown?.removeEventListener("abort", onShutdown);
    },
  };
}

import { useEffect, useRef, useState } from "react";
import type { StatusSnapshot } from "@autostack/api";
import { trpcClient } from "~/lib/trpc.client";

// Live deployment statuses over the tRPC WebSocket (deployment.status: the
// current state at once, then every change, ending at a final status).

export type LiveStatus = Pick<StatusSnapshot, "deploymentId" | "status" | "stages" | "cancelRequested" | "duration" | "url" | "errorMessage">;

interface Options {
  /** Called after a status of one of the ids changed (not for the first snapshot if unchanged). */
  onChange?: (snapshot: LiveStatus) => void;
}

/**
 * Subscribes to the status of each deployment given (pass those still in progress) and returns
 * the latest snapshot per id. `unavailable` turns true when the live
 * connection fails, so a page can fall back to polling.
 */
export function useLiveStatuses(deployments: readonly { id: string; status: string }[], { onChange }: Options = {}) {
  const [snapshots, setSnapshots] = useState<ReadonlyMap<string, LiveStatus>>(() => new Map());
  const [unavailable, setUnavailable] = useState(false);
  const subscriptions = useRef(new Map<string, { unsubscribe(): void }>());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  // The status each id had when the page got it: a first snapshot that differs is a change.
  const known = useRef(new Map<string, string>());
  for (const { id, status } of deployments) known.current.set(id, status);
  const key = deployments
    .map((d) => d.id)
    .sort()
    .join(",");

  useEffect(() => {
    const wanted = new Set(key ? key.split(",") : []);
    const current = subscriptions.current;
    for (const [id, subscription] of current) {
      if (wanted.has(id)) continue;
      subscription.unsubscribe();
      current.delete(id);
    }
    for (const id of wanted) {
      if (current.has(id)) continue;
      let last = known.current.get(id) ?? null;
      const subscription = trpcClient().deployment.status.subscribe(
        { deploymentId: id },
        {
          onData(snapshot) {
            setUnavailable(false);
            setSnapshots((map) => new Map(map).set(id, snapshot));
            if (last !== null && last !== snapshot.status) onChangeRef.current?.(snapshot);
            last = snapshot.status;
          },
          onError() {
            setUnavailable(true);
          },
        },
      );
      current.set(id, subscription);
    }
  }, [key]);

  useEffect(() => {
    const current = subscriptions.current;
    return () => {
      for (const subscription of current.values()) subscription.unsubscribe();
      current.clear();
    };
  }, []);

  return { snapshots, unavailable };
}

/** Polls (revalidates) every `ms` while `enabled`; the fallback when live updates are unavailable. */
export function usePolling(enabled: boolean, ms: number, poll: () => void) {
  const pollRef = useRef(poll);
  pollRef.current = poll;
  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") pollRef.current();
    }, ms);
    return () => window.clearInterval(timer);
  }, [enabled, ms]);
}

import { useCallback, useEffect, useRef, useState } from "react";
import { detectionFailureMessage } from "./detection";

// One read from the browser (a tRPC query over the app's socket) keyed by
// its input: loading, done or failed; only the newest key counts, and a
// failure can be retried. A null key reads nothing (state idle).

export type RemoteState<T> =
  | { status: "idle" }
  | { status: "loading"; key: string }
  | { status: "done"; key: string; data: T }
  | { status: "failed"; key: string; message: string };

const TIMEOUT_MS = 30_000;

export function useRemote<T>(key: string | null, load: (key: string, signal: AbortSignal) => Promise<T>): { state: RemoteState<T>; retry: () => void } {
  const [state, setState] = useState<RemoteState<T>>({ status: "idle" });
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (key === null) {
      setState({ status: "idle" });
      return;
    }
    let stale = false;
    let timedOut = false;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, TIMEOUT_MS);
    setState({ status: "loading", key });
    loadRef.current(key, controller.signal).then(
      (data) => {
        if (!stale) setState({ status: "done", key, data });
      },
      (error: unknown) => {
        if (stale) return;
        const message = timedOut ? "GitHub took too long to answer." : detectionFailureMessage(error, "GitHub could not be reached.");
        setState({ status: "failed", key, message });
      },
    ).finally(() => window.clearTimeout(timer));
    return () => {
      stale = true;
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [key, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}

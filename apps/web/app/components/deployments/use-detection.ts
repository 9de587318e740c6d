import { useCallback, useEffect, useRef, useState } from "react";
import { trpcClient } from "~/lib/trpc.client";
import { detectionFailureMessage } from "./detection";
import type { Detection } from "./types";

// deployment.detect from the browser, over the app's tRPC socket. Only the
// newest request counts (the repository may change while one runs), and a
// request that gets no answer in time fails: detection never blocks the form.

const TIMEOUT_MS = 45_000;

export type DetectionState =
  | { status: "idle" }
  | { status: "loading"; key: string }
  | { status: "done"; key: string; detection: Detection }
  | { status: "failed"; key: string; message: string };

export interface DetectionRequest {
  repository: string;
  branch: string;
  rootDirectory: string | null;
}

export function useDetection(onDetected: (detection: Detection) => void) {
  const [state, setState] = useState<DetectionState>({ status: "idle" });
  const latest = useRef<AbortController | null>(null);
  const onDetectedRef = useRef(onDetected);
  onDetectedRef.current = onDetected;

  const detect = useCallback(async (key: string, input: DetectionRequest) => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    const timer = window.setTimeout(() => controller.abort(), TIMEOUT_MS);
    setState({ status: "loading", key });
    try {
      const detection = await trpcClient().deployment.detect.query(input, { signal: controller.signal });
      if (latest.current !== controller) return;
      setState({ status: "done", key, detection });
      onDetectedRef.current(detection);
    } catch (error) {
      if (latest.current !== controller) return;
      const message = controller.signal.aborted ? "The repository took too long to answer." : detectionFailureMessage(error);
      setState({ status: "failed", key, message });
    } finally {
      window.clearTimeout(timer);
    }
  }, []);

  useEffect(
    () => () => {
      latest.current?.abort();
      latest.current = null;
    },
    [],
  );

  return { state, detect };
}

import { useCallback, useEffect, useRef, useState } from "react";
import { envelopeOf } from "~/lib/api-errors";
import { formFailureOf } from "~/lib/form-errors";
import type { FieldErrors } from "~/lib/forms";
import { trpcClient } from "~/lib/trpc.client";
import { detectionFailureMessage } from "./detection";
import type { Detection } from "./types";

// deployment.detect from the browser, over the app's tRPC socket. Only the
// newest request counts (the repository may change while one runs), and a
// request that gets no answer in time fails: detection never blocks the form.
// Detection is also the wizard's check of step 1: it reads the repository at
// that branch, so its field errors (no such repository, no such branch) are
// step 1's, with no second request (DeployWizard).

const TIMEOUT_MS = 45_000;

export type DetectionState =
  | { status: "idle" }
  | { status: "loading"; key: string }
  | { status: "done"; key: string; detection: Detection }
  | { status: "failed"; key: string; message: string; fields: FieldErrors };

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

  /** Resolves with the final state, or null when a newer request took over. */
  const detect = useCallback(async (key: string, input: DetectionRequest): Promise<DetectionState | null> => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    const timer = window.setTimeout(() => controller.abort(), TIMEOUT_MS);
    setState({ status: "loading", key });
    try {
      const detection = await trpcClient().deployment.detect.query(input, { signal: controller.signal });
      if (latest.current !== controller) return null;
      const done: DetectionState = { status: "done", key, detection };
      setState(done);
      onDetectedRef.current(detection);
      return done;
    } catch (error) {
      if (latest.current !== controller) return null;
      const timedOut = controller.signal.aborted;
      const envelope = timedOut ? null : envelopeOf(error);
      const failed: DetectionState = {
        status: "failed",
        key,
        message: timedOut ? "The repository took too long to answer." : detectionFailureMessage(error),
        fields: envelope ? formFailureOf(envelope).fields : {},
      };
      setState(failed);
      return failed;
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

import { useCallback, useEffect, useRef, useState } from "react";
import { retryAfterSeconds } from "~/lib/api-errors";
import { trpcClient } from "~/lib/trpc.client";
import { prependOlder, type BufferedLine } from "./log-buffer";

// The log viewer's earlier lines: fetched a page at a time, oldest last, when
// the reader reaches the top. Each page is one API call, and API calls are
// rate limited per user (RATE_LIMIT_API_PER_MINUTE), so a reader racing
// through a long log can run out: then the viewer says so, counts down the
// server's Retry-After and fetches the page again by itself.

const PAGE_SIZE = 1000;

export type OlderLinesState = { status: "idle" | "loading" | "failed" } | { status: "waiting"; seconds: number };

export function useOlderLines(
  deploymentId: string,
  lines: { current: BufferedLine[] },
  initialCursor: string | null,
  /** Called after `count` lines were added at the start. */
  onPrepended: (count: number) => void,
) {
  const cursor = useRef(initialCursor);
  const busy = useRef(false);
  const waiting = useRef(false);
  const [hasOlder, setHasOlder] = useState(initialCursor !== null);
  const [state, setState] = useState<OlderLinesState>({ status: "idle" });

  const fetchPage = useCallback(async () => {
    const before = cursor.current;
    if (busy.current || before === null) return;
    busy.current = true;
    waiting.current = false;
    setState({ status: "loading" });
    try {
      const page = await trpcClient().deployment.logPage.query({ id: deploymentId, before, limit: PAGE_SIZE });
      const count = lines.current.length;
      lines.current = prependOlder(lines.current, page.logs);
      cursor.current = page.nextCursor;
      setHasOlder(page.nextCursor !== null);
      setState({ status: "idle" });
      onPrepended(lines.current.length - count);
    } catch (error) {
      const seconds = retryAfterSeconds(error);
      waiting.current = seconds !== null;
      setState(seconds === null ? { status: "failed" } : { status: "waiting", seconds });
    } finally {
      busy.current = false;
    }
  }, [deploymentId, lines, onPrepended]);

  /** Scrolling to the top asks for the next page; while rate limited, the countdown fetches it. */
  const loadOlder = useCallback(() => {
    if (!waiting.current) void fetchPage();
  }, [fetchPage]);

  useEffect(() => {
    if (state.status !== "waiting") return;
    const timer = setTimeout(() => {
      if (state.seconds > 1) setState({ status: "waiting", seconds: state.seconds - 1 });
      else void fetchPage();
    }, 1000);
    return () => clearTimeout(timer);
  }, [state, fetchPage]);

  return { hasOlder, state, loadOlder, retry: fetchPage };
}

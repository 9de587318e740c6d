import { ArrowDown, Loader2 } from "lucide-react";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { cx, focusRing } from "@autostack/ui";
import { useHydrated } from "~/lib/hydrated";
import { trpcClient } from "~/lib/trpc.client";
import { appendNewer, visibleRange, type BufferedLine } from "./log-buffer";
import { LogRow, StreamIndicator, type StreamState } from "./LogRow";
import { useTimeZone } from "./time";
import { useOlderLines, type OlderLinesState } from "./use-older-lines";

// A build log that can be 100k lines long and still growing. Only the rows in
// view are rendered (every row has the same height, so positions are plain
// arithmetic); older lines are fetched a page at a time when the reader
// scrolls to the top; new lines arrive over the tRPC WebSocket and are added
// once per animation frame. It follows the end of the log until the reader
// scrolls up, and again once they are back at the bottom.
//
// A line is always text: ANSI colours become spans with classes, the message
// itself only ever becomes React text nodes.

const LINE_HEIGHT = 20;
const TOP_GUTTER = 28;
const BOTTOM_GUTTER = 12;
const LOAD_OLDER_WITHIN = LINE_HEIGHT * 60;
const STATIC_TAIL = 30;

export interface LogPage {
  logs: BufferedLine[];
  nextCursor: string | null;
}

export function LogViewer({ deploymentId, initial, active }: { deploymentId: string; initial: LogPage; active: boolean }) {
  const hydrated = useHydrated();
  const timeZone = useTimeZone();
  const scrollerRef = useRef<HTMLDivElement>(null);
  const [lines] = useState(() => ({ current: initial.logs.slice() }));
  const [version, setVersion] = useState(0);
  const [stream, setStream] = useState<StreamState>("connecting");
  const [attempt, setAttempt] = useState(0);
  const [paused, setPaused] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const stick = useRef(true);
  const pending = useRef<BufferedLine[]>([]);
  const frame = useRef<number | null>(null);
  const adjust = useRef(0);
  // Older lines added above the reader move the view down by as much, so the reader's line stays put.
  const onPrepended = useCallback((count: number) => {
    adjust.current += count * LINE_HEIGHT;
    setVersion((v) => v + 1);
  }, []);
  const older = useOlderLines(deploymentId, lines, initial.nextCursor, onPrepended);
  const { hasOlder, loadOlder } = older;

  // New lines: batched per animation frame (a fast build sends thousands per second).
  useEffect(() => {
    const flush = () => {
      frame.current = null;
      const batch = pending.current;
      pending.current = [];
      const added = appendNewer(lines.current, batch);
      if (added === 0) return;
      if (!stick.current) setUnseen((count) => count + added);
      setVersion((v) => v + 1);
    };
    setStream("connecting");
    // Resumes after the newest line this page has; the client adds the id of
    // the last event it received when it re-sends the subscription after a reconnect.
    const subscription = trpcClient().deployment.logs.subscribe(
      { deploymentId, lastEventId: lines.current.at(-1)?.id ?? null },
      {
        onStarted: () => setStream("live"),
        onData: (event) => {
          pending.current.push(event.data);
          frame.current ??= window.requestAnimationFrame(flush);
        },
        onError: () => setStream("offline"),
        onComplete: () => setStream((state) => (state === "offline" ? state : "ended")),
        onConnectionStateChange: (connection) => {
          if (connection.state === "connecting" && connection.error) setStream((state) => (state === "ended" ? state : "reconnecting"));
          if (connection.state === "pending") setStream((state) => (state === "reconnecting" ? "live" : state));
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      if (frame.current !== null) window.cancelAnimationFrame(frame.current);
      frame.current = null;
      flush();
    };
  }, [deploymentId, lines, attempt]);

  // After the lines changed: keep following the end, or keep the reader's
  // place when older lines were added above it.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    if (stick.current) scroller.scrollTop = scroller.scrollHeight;
    else if (adjust.current) scroller.scrollTop += adjust.current;
    adjust.current = 0;
    setScrollTop(scroller.scrollTop);
  }, [version, hydrated]);

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    setViewport(scroller.clientHeight);
    const observer = new ResizeObserver(() => setViewport(scroller.clientHeight));
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [hydrated]);

  const onScroll = () => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < LINE_HEIGHT;
    stick.current = atBottom;
    setPaused(!atBottom);
    if (atBottom) setUnseen(0);
    setScrollTop(scroller.scrollTop);
    if (scroller.scrollTop < LOAD_OLDER_WITHIN) loadOlder();
  };

  // Scrolling up stops following at once, even if lines arrive before the scroll event.
  const release = () => {
    // Only when there is somewhere to go: a short log keeps following.
    if ((scrollerRef.current?.scrollTop ?? 0) > 0) stick.current = false;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (["ArrowUp", "PageUp", "Home"].includes(event.key)) release();
  };

  const jumpToLatest = () => {
    const scroller = scrollerRef.current;
    stick.current = true;
    setPaused(false);
    setUnseen(0);
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  };

  const all = lines.current;
  const total = all.length;
  const [start, end] = visibleRange(scrollTop - TOP_GUTTER, viewport, LINE_HEIGHT, total);
  const waitingText = active ? "Waiting for build output…" : "This deployment has no log output.";

  return (
    <section aria-labelledby="build-logs-heading" className="overflow-hidden rounded-xl border border-zinc-800 bg-zinc-950 shadow-sm">
      <div className="flex items-center gap-3 border-b border-white/10 px-4 py-2.5">
        <h2 id="build-logs-heading" className="text-sm font-semibold text-white">
          Build logs
        </h2>
        <span className="text-xs tabular-nums text-zinc-500">
          {total.toLocaleString("en")} {total === 1 ? "line" : "lines"}
          {hasOlder ? " loaded" : ""}
        </span>
        <div className="ml-auto flex items-center gap-3">{hydrated ? <StreamIndicator state={stream} onRetry={() => setAttempt((n) => n + 1)} /> : null}</div>
      </div>
      <div className="relative">
        <div
          ref={scrollerRef}
          role="log"
          aria-live="off"
          aria-label="Build logs"
          aria-busy={older.state.status === "loading" || undefined}
          tabIndex={0}
          onScroll={hydrated ? onScroll : undefined}
          onWheel={(event) => {
            if (event.deltaY < 0) release();
          }}
          onTouchMove={release}
          onKeyDown={onKeyDown}
          className={cx(
            "max-h-[min(68vh,640px)] min-h-[240px] overflow-auto font-mono text-[12.5px] leading-5 text-zinc-200 [overflow-anchor:none]",
            "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500",
            !hydrated && "flex flex-col justify-end overflow-hidden",
          )}
        >
          {total === 0 ? (
            <div className="flex min-h-[240px] items-center justify-center gap-2 font-sans text-sm text-zinc-500">
              {active ? <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" /> : null}
              {waitingText}
            </div>
          ) : !hydrated ? (
            <div className="py-3">
              {all.slice(-STATIC_TAIL).map((line) => (
                <LogRow key={line.id} line={line} timeZone={timeZone} />
              ))}
            </div>
          ) : (
            <div className="relative min-w-full" style={{ height: TOP_GUTTER + total * LINE_HEIGHT + BOTTOM_GUTTER }}>
              <div className="absolute inset-x-0 top-0 flex h-7 items-center px-4 font-sans text-xs text-zinc-500">
                {hasOlder ? <OlderLinesNote state={older.state} onRetry={() => void older.retry()} /> : "Start of build log"}
              </div>
              <div className="absolute left-0 top-0 w-max min-w-full" style={{ transform: `translateY(${TOP_GUTTER + start * LINE_HEIGHT}px)` }}>
                {all.slice(start, end).map((line) => (
                  <LogRow key={line.id} line={line} timeZone={timeZone} />
                ))}
              </div>
            </div>
          )}
        </div>
        {paused && total > 0 ? (
          <button
            type="button"
            onClick={jumpToLatest}
            className={cx(
              "absolute bottom-4 right-5 inline-flex items-center gap-1.5 rounded-full bg-white px-3 py-1.5 text-xs font-medium text-zinc-900 shadow-lg ring-1 ring-black/10 transition hover:bg-zinc-100",
              focusRing,
              "focus-visible:ring-offset-zinc-950",
            )}
          >
            <ArrowDown className="h-3.5 w-3.5" aria-hidden="true" />
            Jump to latest
            {unseen > 0 ? <span className="rounded-full bg-indigo-600 px-1.5 text-[10px] tabular-nums text-white">{unseen > 999 ? "999+" : unseen}</span> : null}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function OlderLinesNote({ state, onRetry }: { state: OlderLinesState; onRetry: () => void }) {
  switch (state.status) {
    case "loading":
      return (
        <span className="flex items-center gap-1.5">
          <Loader2 className="h-3 w-3 animate-spin" aria-hidden="true" /> Loading earlier lines…
        </span>
      );
    case "waiting":
      return (
        <span className="text-amber-300">
          Too many requests: earlier lines load again in {state.seconds} s
        </span>
      );
    case "failed":
      return (
        <button type="button" onClick={onRetry} className={cx("rounded text-red-300 underline-offset-2 hover:underline", focusRing)}>
          Earlier lines could not be loaded. Try again
        </button>
      );
    default:
      return <>Scroll up for earlier lines</>;
  }
}

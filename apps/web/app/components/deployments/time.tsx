import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useHydrated } from "~/lib/hydrated";
import { formatAbsolute, formatRelative } from "./format";

// Relative times ("5 minutes ago") that hydrate without a mismatch: until
// hydration both renders use the server's clock (the loader's `now`) and UTC;
// afterwards the browser's clock, ticking, and the viewer's time zone.

const ServerNow = createContext<number | null>(null);

export function ServerNowProvider({ now, children }: { now: number; children: ReactNode }) {
  return <ServerNow.Provider value={now}>{children}</ServerNow.Provider>;
}

const TICK_MS = 15_000;

/** The current time, re-rendering every 15 s once hydrated. */
export function useNow(): number {
  const serverNow = useContext(ServerNow);
  const hydrated = useHydrated();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  if (hydrated && now !== null) return now;
  return serverNow ?? now ?? Date.now();
}

/** The viewer's time zone once hydrated; UTC in the server render. */
export function useTimeZone(): string | undefined {
  return useHydrated() ? undefined : "UTC";
}

export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow();
  const timeZone = useTimeZone();
  return (
    <time dateTime={iso} title={formatAbsolute(iso, timeZone)} className={className}>
      {formatRelative(iso, now)}
    </time>
  );
}

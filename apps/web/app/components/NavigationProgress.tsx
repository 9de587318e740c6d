import { useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";

/** Navigations quicker than this show nothing: a bar that flashes up and away reads as a glitch. */
const SHOW_AFTER_MS = 200;

/**
 * A thin bar across the top while a page's data or a form's answer is on its
 * way. How long is unknown, so it creeps towards the end and never gets there;
 * with reduced motion it stands still (app.css).
 */
export function NavigationProgress() {
  const busy = useNavigation().state !== "idle";
  const [visible, setVisible] = useState(false);

  useEffect(() => {
    if (!busy) {
      setVisible(false);
      return;
    }
    const timer = window.setTimeout(() => setVisible(true), SHOW_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [busy]);

  if (!visible) return null;
  return (
    <div role="progressbar" aria-label="Loading page" className="pointer-events-none fixed inset-x-0 top-0 z-[100] h-0.5">
      <div className="nav-progress h-full bg-gradient-to-r from-indigo-500 via-violet-500 to-sky-500" />
    </div>
  );
}

import { Menu } from "lucide-react";
import type { ReactNode } from "react";
import { cx, focusRing } from "@autostack/ui";
import { useDetailsDismiss } from "./app/useDetailsDismiss";

/**
 * The navigation behind a menu button, where the screen is too narrow for
 * the links themselves. A <details>: it opens without JavaScript, with Enter
 * or Space on the button; once hydrated it also closes on navigation, on
 * Escape and on a click outside.
 */
export function NavMenu({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  const ref = useDetailsDismiss();
  return (
    <details ref={ref} className={cx("relative", className)}>
      <summary
        className={cx(
          "flex h-9 w-9 cursor-pointer list-none items-center justify-center rounded-lg text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 [&::-webkit-details-marker]:hidden",
          focusRing,
        )}
      >
        <Menu className="h-5 w-5" aria-hidden="true" />
        <span className="sr-only">{label}</span>
      </summary>
      <nav
        aria-label="Main"
        className="absolute left-0 z-50 mt-2 w-64 animate-fade-in rounded-xl border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
      >
        {children}
      </nav>
    </details>
  );
}

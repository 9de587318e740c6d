import { NavLink } from "@remix-run/react";
import { cx, focusRing } from "@autostack/ui";
import { navItems } from "./navigation";

export function NavLinks({ className }: { className?: string }) {
  return (
    <ul className={cx("space-y-0.5", className)}>
      {navItems.map(({ to, label, icon: Icon, available }) => (
        <li key={to}>
          <NavLink
            to={to}
            prefetch={available ? "intent" : "none"}
            className={({ isActive }) =>
              cx(
                "group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors",
                focusRing,
                "focus-visible:ring-offset-0",
                isActive
                  ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800/80 dark:text-white"
                  : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/40 dark:hover:text-white",
              )
            }
          >
            {({ isActive }) => (
              <>
                <Icon
                  className={cx(
                    "h-4 w-4 shrink-0",
                    isActive ? "text-zinc-900 dark:text-white" : "text-zinc-400 group-hover:text-zinc-600 dark:text-zinc-500 dark:group-hover:text-zinc-300",
                  )}
                  aria-hidden="true"
                />
                <span className="flex-1">{label}</span>
                {available ? null : (
                  <span className="rounded-full bg-zinc-100 px-1.5 py-0.5 text-[10px] font-medium uppercase tracking-wide text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
                    Soon
                  </span>
                )}
              </>
            )}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

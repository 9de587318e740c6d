import { useFetcher, useLocation, useRouteLoaderData } from "@remix-run/react";
import { Monitor, Moon, Sun } from "lucide-react";
import type { Theme } from "@autostack/api/schemas";
import { cx, focusRing } from "@autostack/ui";
import { THEME_ACTION, useOptimisticTheme } from "~/lib/theme";
import type { loader as rootLoader } from "~/root";

const options: { value: Theme; label: string; Icon: typeof Sun }[] = [
  { value: "light", label: "Light", Icon: Sun },
  { value: "dark", label: "Dark", Icon: Moon },
  { value: "system", label: "System", Icon: Monitor },
];

/**
 * Three small buttons that switch the theme. Without JavaScript they post a
 * plain form and come back here; with it a fetcher saves in the background
 * while the page already shows the new theme.
 */
export function ThemeSwitcher({ className }: { className?: string }) {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const optimistic = useOptimisticTheme();
  const current = optimistic ?? root?.theme ?? "system";
  const fetcher = useFetcher();
  const location = useLocation();

  return (
    <form method="post" action={THEME_ACTION} className={className}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <div role="group" aria-label="Theme" className="inline-flex items-center gap-0.5 rounded-full border border-zinc-200 p-0.5 dark:border-zinc-800">
        {options.map(({ value, label, Icon }) => (
          <button
            key={value}
            type="submit"
            name="theme"
            value={value}
            title={`${label} theme`}
            aria-pressed={current === value}
            onClick={(event) => {
              event.preventDefault();
              fetcher.submit({ theme: value }, { method: "post", action: THEME_ACTION });
            }}
            className={cx(
              "inline-flex h-7 w-7 items-center justify-center rounded-full transition-colors",
              focusRing,
              "focus-visible:ring-offset-0",
              current === value
                ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900"
                : "text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white",
            )}
          >
            <Icon className="h-3.5 w-3.5" aria-hidden="true" />
            <span className="sr-only">{label} theme</span>
          </button>
        ))}
      </div>
    </form>
  );
}

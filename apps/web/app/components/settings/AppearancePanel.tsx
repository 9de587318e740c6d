import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import { Check, Monitor, Moon, Sun } from "lucide-react";
import type { Theme } from "@autostack/api/schemas";
import { Button, Card, CardContent, CardDescription, CardHeader, CardTitle, cx } from "@autostack/ui";
import { THEME_ACTION, useOptimisticTheme } from "~/lib/theme";
import type { loader as rootLoader } from "~/root";
import type { action as themeAction } from "~/routes/resources.theme";

const options: { value: Theme; label: string; description: string; Icon: typeof Sun }[] = [
  { value: "light", label: "Light", description: "Always light", Icon: Sun },
  { value: "dark", label: "Dark", description: "Always dark", Icon: Moon },
  { value: "system", label: "System", description: "Follows your device", Icon: Monitor },
];

function Preview({ theme }: { theme: Theme }) {
  const pane = (dark: boolean) => (
    <div className={cx("flex h-full flex-1 flex-col gap-1.5 p-2.5", dark ? "bg-zinc-900" : "bg-white")}>
      <div className={cx("h-1.5 w-8 rounded-full", dark ? "bg-zinc-600" : "bg-zinc-300")} />
      <div className={cx("h-1.5 w-14 rounded-full", dark ? "bg-zinc-700" : "bg-zinc-200")} />
      <div className={cx("mt-auto h-3 w-10 rounded", dark ? "bg-indigo-400" : "bg-indigo-500")} />
    </div>
  );
  return (
    <div aria-hidden="true" className="flex h-20 overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-700">
      {theme === "system" ? (
        <>
          {pane(false)}
          {pane(true)}
        </>
      ) : (
        pane(theme === "dark")
      )}
    </div>
  );
}

export function AppearancePanel() {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const optimistic = useOptimisticTheme();
  const current = optimistic ?? root?.theme ?? "system";
  const fetcher = useFetcher<typeof themeAction>();
  const saved = fetcher.state === "idle" && fetcher.data?.ok === true;
  const error = fetcher.state === "idle" && fetcher.data?.ok === false ? fetcher.data.error : null;

  return (
    <Card>
      <CardHeader>
        <div className="flex items-center justify-between gap-3">
          <CardTitle>Appearance</CardTitle>
          <p role="status" className="text-xs text-zinc-500 dark:text-zinc-400">
            {fetcher.state !== "idle" ? "Saving…" : saved ? "Saved" : ""}
          </p>
        </div>
        <CardDescription>Choose how Autostack looks to you. Saved to your account, on every device.</CardDescription>
      </CardHeader>
      <CardContent>
        {/* Without JavaScript this is a plain form with a Save button. */}
        <form method="post" action={THEME_ACTION}>
          <input type="hidden" name="redirectTo" value="/settings?tab=appearance" />
          <fieldset>
            <legend className="sr-only">Theme</legend>
            <div className="grid gap-4 sm:grid-cols-3">
              {options.map(({ value, label, description, Icon }) => {
                const selected = current === value;
                return (
                  <label
                    key={value}
                    className={cx(
                      "relative cursor-pointer rounded-xl border p-3 transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500",
                      selected
                        ? "border-zinc-900 bg-zinc-50 dark:border-white dark:bg-zinc-800/60"
                        : "border-zinc-200 hover:border-zinc-300 dark:border-zinc-800 dark:hover:border-zinc-700",
                    )}
                  >
                    <input
                      type="radio"
                      name="theme"
                      value={value}
                      checked={selected}
                      onChange={() => fetcher.submit({ theme: value }, { method: "post", action: THEME_ACTION })}
                      className="sr-only"
                    />
                    <Preview theme={value} />
                    <span className="mt-3 flex items-center gap-2">
                      <Icon className="h-4 w-4 text-zinc-500" aria-hidden="true" />
                      <span className="flex-1">
                        <span className="block text-sm font-medium text-zinc-900 dark:text-white">{label}</span>
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">{description}</span>
                      </span>
                      {selected ? (
                        <span className="flex h-5 w-5 items-center justify-center rounded-full bg-zinc-900 text-white dark:bg-white dark:text-zinc-900">
                          <Check className="h-3 w-3" strokeWidth={3} aria-hidden="true" />
                        </span>
                      ) : null}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
          {error ? <p className="mt-3 text-sm text-red-600 dark:text-red-400">{error}</p> : null}
          <noscript>
            <Button type="submit" className="mt-5">
              Save appearance
            </Button>
          </noscript>
        </form>
      </CardContent>
    </Card>
  );
}

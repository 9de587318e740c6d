import { useId, useMemo } from "react";
import { cx, focusRing } from "@autostack/ui";
import { checkEnvVars, envVarLineMessage } from "./env-vars";

/**
 * KEY=VALUE per line, checked as it is typed with the server's own parser:
 * each problem names its line. Values are secrets: no spell checking, no
 * autocomplete, and nothing but the names is ever shown back.
 */
export function EnvVarsField({
  value,
  onChange,
  serverErrors,
}: {
  value: string;
  onChange: (value: string) => void;
  /** "envVars" / "envVars.3" → message, from the last submission. */
  serverErrors: Record<string, string>;
}) {
  const id = useId();
  const check = useMemo(() => checkEnvVars(value), [value]);
  const messages = check.lineErrors.size
    ? [...check.lineErrors.entries()].sort(([a], [b]) => a - b).map(([, message]) => message)
    : Object.entries(serverErrors).map(([path, message]) => envVarLineMessage(path, message));
  const count = check.names.length;
  const invalid = messages.length > 0;

  return (
    <div>
      <div className="mb-1.5 flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          Environment variables <span className="font-normal text-zinc-500">(optional)</span>
        </label>
        {count > 0 && !invalid ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            {count} variable{count === 1 ? "" : "s"}
          </span>
        ) : null}
      </div>
      <textarea
        id={id}
        name="envVars"
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        rows={6}
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        placeholder={"NODE_ENV=production\nAPI_URL=https://api.example.com"}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-hint${invalid ? ` ${id}-errors` : ""}`}
        className={cx(
          "block w-full rounded-lg border bg-white px-3 py-2 font-mono text-[13px] leading-6 text-zinc-900 shadow-sm placeholder:text-zinc-400 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-600",
          focusRing,
          "focus-visible:ring-offset-0",
          invalid ? "border-red-500 focus-visible:ring-red-500 dark:border-red-500/80" : "border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-600",
        )}
      />
      {invalid ? (
        <ul id={`${id}-errors`} className="mt-1.5 space-y-0.5 text-[13px] text-red-600 dark:text-red-400">
          {messages.slice(0, 6).map((message) => (
            <li key={message}>{message}</li>
          ))}
          {messages.length > 6 ? <li>…and {messages.length - 6} more</li> : null}
        </ul>
      ) : null}
      <p id={`${id}-hint`} className="mt-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
        One <code className="font-mono text-xs">KEY=VALUE</code> per line; blank lines and <code className="font-mono text-xs"># comments</code> are ignored. Values
        are encrypted, available to the build only, and masked in its logs.
      </p>
    </div>
  );
}

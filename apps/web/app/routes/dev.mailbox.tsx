import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { Inbox, Mail, RefreshCw } from "lucide-react";
import { useEffect } from "react";
import { Badge, Button, cx, focusRing } from "@autostack/ui";
import { LinkifiedText } from "~/components/LinkifiedText";
import { Logo } from "~/components/Logo";
import { ThemeSwitcher } from "~/components/ThemeSwitcher";

export const meta: MetaFunction = () => [{ title: "Dev mailbox · Autostack" }, { name: "robots", content: "noindex" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const mailbox = await context.caller.devMailbox.list();
  if (!mailbox.enabled) throw new Response("Not Found", { status: 404, statusText: "Not Found" });
  // The text body only: HTML bodies are never rendered here.
  const messages = mailbox.messages
    .map(({ id, to, subject, text, createdAt }) => ({ id, to, subject, text, createdAt }))
    .sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
  return { messages };
}

const REFRESH_MS = 5000;

function formatTime(value: Date | string): string {
  return new Date(value).toLocaleString("en", { dateStyle: "medium", timeStyle: "medium" });
}

export default function DevMailbox() {
  const { messages } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();

  // New mail shows up on its own while the tab is visible.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidator]);

  return (
    <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900/60">
        <div className="mx-auto flex h-16 max-w-4xl items-center justify-between px-4 sm:px-6">
          <Logo />
          <ThemeSwitcher />
        </div>
      </header>
      <main className="mx-auto max-w-4xl px-4 py-10 sm:px-6">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <div className="flex items-center gap-2">
              <h1 className="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">Dev mailbox</h1>
              <Badge variant="warning">Development only</Badge>
            </div>
            <p className="mt-1 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
              No SMTP server is configured, so mail is kept here instead of being sent. Anyone who can open this page can read
              it: never enable it on a public server.
            </p>
          </div>
          <form method="get">
            <Button
              type="submit"
              variant="secondary"
              size="sm"
              onClick={(event) => {
                event.preventDefault();
                revalidator.revalidate();
              }}
            >
              <RefreshCw className={cx("h-3.5 w-3.5", revalidator.state !== "idle" && "animate-spin")} aria-hidden="true" />
              Refresh
            </Button>
          </form>
        </div>

        {messages.length === 0 ? (
          <div className="mt-8 flex flex-col items-center rounded-xl border border-dashed border-zinc-300 bg-white px-6 py-16 text-center dark:border-zinc-700 dark:bg-zinc-900/40">
            <Inbox className="h-8 w-8 text-zinc-400" aria-hidden="true" />
            <p className="mt-3 font-medium text-zinc-900 dark:text-white">No mail yet</p>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
              Ask for a <Link to="/forgot-password" className="font-medium text-indigo-600 underline-offset-2 hover:underline dark:text-indigo-400">password reset</Link> and the
              mail will show up here.
            </p>
          </div>
        ) : (
          <ol className="mt-8 space-y-3" aria-label="Messages, newest first">
            {messages.map((message, index) => (
              <li key={message.id}>
                <details
                  open={index === 0}
                  className="group overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900/60"
                >
                  <summary
                    className={cx(
                      "flex cursor-pointer list-none items-start gap-3 px-5 py-4 hover:bg-zinc-50 dark:hover:bg-zinc-800/40 [&::-webkit-details-marker]:hidden",
                      focusRing,
                      "focus-visible:ring-inset focus-visible:ring-offset-0",
                    )}
                  >
                    <Mail className="mt-0.5 h-4 w-4 shrink-0 text-zinc-400" aria-hidden="true" />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium text-zinc-900 dark:text-white">{message.subject}</span>
                      <span className="mt-0.5 block truncate text-sm text-zinc-500 dark:text-zinc-400">To {message.to}</span>
                    </span>
                    <time dateTime={new Date(message.createdAt).toISOString()} className="shrink-0 text-xs text-zinc-500" suppressHydrationWarning>
                      {formatTime(message.createdAt)}
                    </time>
                  </summary>
                  <pre className="overflow-x-auto whitespace-pre-wrap break-words border-t border-zinc-200 bg-zinc-50/70 px-5 py-4 font-mono text-[13px] leading-6 text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950/50 dark:text-zinc-200">
                    <LinkifiedText text={message.text} />
                  </pre>
                </details>
              </li>
            ))}
          </ol>
        )}
      </main>
    </div>
  );
}

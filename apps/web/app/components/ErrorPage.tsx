import { Link } from "@remix-run/react";
import { ArrowLeft } from "lucide-react";
import { buttonClasses } from "@autostack/ui";
import { Logo } from "./Logo";

export interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
  /** Developer detail (a stack); only passed in development. */
  detail?: string;
}

export function ErrorPage({ status, title, message, detail }: ErrorPageProps) {
  return (
    <div className="relative isolate flex min-h-screen flex-col">
      <div aria-hidden="true" className="bg-grid mask-radial absolute inset-0 -z-10" />
      <header className="mx-auto flex h-16 w-full max-w-6xl items-center px-4 sm:px-6">
        <Logo />
      </header>
      <main className="mx-auto flex w-full max-w-xl flex-1 flex-col items-center justify-center px-4 pb-24 text-center">
        <p className="font-mono text-sm font-medium text-indigo-600 dark:text-indigo-400">{status}</p>
        <h1 className="mt-3 text-3xl font-semibold tracking-tight text-zinc-900 sm:text-4xl dark:text-white">{title}</h1>
        <p className="mt-4 text-base leading-7 text-zinc-600 dark:text-zinc-400">{message}</p>
        <div className="mt-10 flex flex-wrap items-center justify-center gap-3">
          <Link to="/" className={buttonClasses({ variant: "secondary" })}>
            <ArrowLeft className="h-4 w-4" aria-hidden="true" />
            Back to home
          </Link>
          <Link to="/dashboard" className={buttonClasses({ variant: "ghost" })}>
            Go to dashboard
          </Link>
        </div>
        {detail ? (
          <pre className="mt-10 max-h-80 w-full overflow-auto rounded-lg border border-red-200 bg-red-50 p-4 text-left font-mono text-xs text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
            {detail}
          </pre>
        ) : null}
      </main>
    </div>
  );
}

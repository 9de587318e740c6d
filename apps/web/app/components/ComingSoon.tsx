import { Link } from "@remix-run/react";
import { ArrowLeft, Sparkles } from "lucide-react";
import type { ReactNode } from "react";
import { buttonClasses } from "@autostack/ui";

export interface ComingSoonProps {
  title: string;
  /** One sentence on what the page will be. */
  description: string;
  icon?: ReactNode;
  backTo?: string;
  backLabel?: string;
}

/** The shared page for product areas that are planned but not built yet. */
export function ComingSoon({ title, description, icon, backTo = "/", backLabel = "Back to home" }: ComingSoonProps) {
  return (
    <section className="relative isolate overflow-hidden">
      <div aria-hidden="true" className="bg-grid mask-radial absolute inset-0 -z-10" />
      <div className="mx-auto flex max-w-2xl flex-col items-center px-4 py-24 text-center sm:py-32">
        <span className="flex h-12 w-12 items-center justify-center rounded-xl border border-zinc-200 bg-white text-indigo-600 shadow-sm dark:border-zinc-800 dark:bg-zinc-900 dark:text-indigo-400">
          {icon ?? <Sparkles className="h-5 w-5" aria-hidden="true" />}
        </span>
        <p className="mt-6 inline-flex items-center rounded-full border border-indigo-200 bg-indigo-50 px-3 py-1 text-xs font-medium text-indigo-700 dark:border-indigo-500/30 dark:bg-indigo-500/10 dark:text-indigo-300">
          Coming soon
        </p>
        <h1 className="mt-4 text-4xl font-semibold tracking-tight text-zinc-900 sm:text-5xl dark:text-white">{title}</h1>
        <p className="mt-4 text-lg leading-8 text-zinc-600 dark:text-zinc-400">{description}</p>
        <Link to={backTo} className={buttonClasses({ variant: "secondary", className: "mt-10" })}>
          <ArrowLeft className="h-4 w-4" aria-hidden="true" />
          {backLabel}
        </Link>
      </div>
    </section>
  );
}

import { Link } from "@remix-run/react";
import { ArrowRight } from "lucide-react";
import { buttonClasses } from "@autostack/ui";

export function CallToAction() {
  return (
    <section aria-labelledby="cta-title" className="mx-auto max-w-6xl px-4 py-24 sm:px-6">
      <div className="relative isolate overflow-hidden rounded-3xl bg-zinc-900 px-6 py-16 text-center shadow-xl sm:px-16 dark:bg-zinc-900 dark:ring-1 dark:ring-zinc-800">
        <div
          aria-hidden="true"
          className="absolute left-1/2 top-0 -z-10 h-64 w-[40rem] -translate-x-1/2 -translate-y-1/2 rounded-full bg-gradient-to-r from-indigo-500/40 via-violet-500/40 to-sky-500/30 blur-3xl"
        />
        <h2 id="cta-title" className="mx-auto max-w-2xl text-3xl font-semibold tracking-tight text-white sm:text-4xl">
          Ready to ship your next project?
        </h2>
        <p className="mx-auto mt-4 max-w-xl text-lg leading-8 text-zinc-300">
          Create an account on this Autostack server, connect a repository and deploy your first app.
        </p>
        <div className="mt-10 flex flex-col items-center justify-center gap-3 sm:flex-row">
          <Link
            to="/signup"
            className={buttonClasses({ variant: "contrast", size: "lg", className: "w-full sm:w-auto" })}
          >
            Get started
            <ArrowRight className="h-4 w-4" aria-hidden="true" />
          </Link>
          <Link
            to="/docs"
            className="inline-flex h-11 items-center rounded-lg px-5 text-[15px] font-medium text-zinc-200 transition-colors hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-white/70"
          >
            Read the docs
          </Link>
        </div>
      </div>
    </section>
  );
}

import { Link } from "@remix-run/react";
import { ArrowRight, Check, GitBranch, GitCommitHorizontal } from "lucide-react";
import { Badge, buttonClasses } from "@autostack/ui";

const stages = ["Clone repository", "Install dependencies", "Build", "Deploy"];

/** A stylised deployment, drawn with the product's own parts; decorative. */
function DeploymentPreview() {
  return (
    <div aria-hidden="true" className="relative mx-auto mt-16 max-w-4xl sm:mt-20">
      <div className="absolute -inset-x-8 -inset-y-6 -z-10 rounded-[2rem] bg-gradient-to-b from-indigo-500/15 via-violet-500/10 to-transparent blur-2xl dark:from-indigo-500/20" />
      <div className="overflow-hidden rounded-2xl border border-zinc-200 bg-white shadow-2xl shadow-zinc-900/10 dark:border-zinc-800 dark:bg-zinc-900 dark:shadow-black/40">
        <div className="flex items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900/80">
          <span className="h-3 w-3 rounded-full bg-zinc-300 dark:bg-zinc-700" />
          <span className="h-3 w-3 rounded-full bg-zinc-300 dark:bg-zinc-700" />
          <span className="h-3 w-3 rounded-full bg-zinc-300 dark:bg-zinc-700" />
          <span className="ml-3 truncate font-mono text-xs text-zinc-500">autostack / my-app / deployments</span>
        </div>
        <div className="grid gap-0 text-left md:grid-cols-[16rem_1fr]">
          <div className="border-b border-zinc-200 p-5 md:border-b-0 md:border-r dark:border-zinc-800">
            <div className="flex items-center justify-between gap-2">
              <p className="font-semibold text-zinc-900 dark:text-white">my-app</p>
              <Badge variant="success" dot>
                Ready
              </Badge>
            </div>
            <div className="mt-3 space-y-1.5 text-xs text-zinc-500 dark:text-zinc-400">
              <p className="flex items-center gap-1.5">
                <GitBranch className="h-3.5 w-3.5" /> main
              </p>
              <p className="flex items-center gap-1.5">
                <GitCommitHorizontal className="h-3.5 w-3.5" /> <span className="font-mono">a1f9c3e</span> Update landing copy
              </p>
            </div>
            <ol className="mt-5 space-y-2.5">
              {stages.map((stage) => (
                <li key={stage} className="flex items-center gap-2.5 text-sm text-zinc-700 dark:text-zinc-300">
                  <span className="flex h-5 w-5 items-center justify-center rounded-full bg-emerald-500/15 text-emerald-600 dark:text-emerald-400">
                    <Check className="h-3 w-3" strokeWidth={3} />
                  </span>
                  {stage}
                </li>
              ))}
            </ol>
          </div>
          <div className="bg-zinc-950 p-5 font-mono text-[12.5px] leading-6 text-zinc-300">
            <p>
              <span className="text-zinc-500">$</span> git clone github.com/you/my-app
            </p>
            <p>
              <span className="text-zinc-500">$</span> npm ci
            </p>
            <p className="text-zinc-500">dependencies installed from package-lock.json</p>
            <p>
              <span className="text-zinc-500">$</span> npm run build
            </p>
            <p className="text-zinc-500">vite build · output in dist/</p>
            <p className="text-emerald-400">✓ Build completed</p>
            <p className="text-emerald-400">
              ✓ Deployed to <span className="text-indigo-300 underline decoration-indigo-300/40 underline-offset-2">https://my-app.example.com</span>
            </p>
          </div>
        </div>
      </div>
    </div>
  );
}

export function Hero() {
  return (
    <section className="relative isolate overflow-hidden">
      <div aria-hidden="true" className="bg-grid mask-radial absolute inset-0 -z-10" />
      <div
        aria-hidden="true"
        className="absolute left-1/2 top-0 -z-10 h-[28rem] w-[56rem] -translate-x-1/2 rounded-full bg-gradient-to-r from-indigo-400/25 via-violet-400/20 to-sky-400/20 blur-3xl dark:from-indigo-600/20 dark:via-violet-600/15 dark:to-sky-600/10"
      />
      <div className="mx-auto max-w-6xl px-4 pb-20 pt-20 text-center sm:px-6 sm:pt-28">
        <Link
          to="/docs"
          className="inline-flex items-center gap-2 rounded-full border border-zinc-200 bg-white/70 py-1 pl-1 pr-3 text-xs font-medium text-zinc-700 shadow-sm backdrop-blur transition-colors hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900/70 dark:text-zinc-300 dark:hover:border-zinc-700"
        >
          <span className="rounded-full bg-indigo-600 px-2 py-0.5 text-[11px] font-semibold text-white">Self-hosted</span>
          Your servers, your data, your deploys
          <ArrowRight className="h-3.5 w-3.5 text-zinc-400" aria-hidden="true" />
        </Link>
        <h1 className="mx-auto mt-8 max-w-4xl text-balance text-[2.75rem] font-semibold leading-[1.05] tracking-tight text-zinc-900 sm:text-6xl lg:text-7xl dark:text-white">
          Ship from <span className="whitespace-nowrap">git push</span> to{" "}
          <span className="bg-gradient-to-r from-indigo-600 via-violet-600 to-sky-500 bg-clip-text text-transparent dark:from-indigo-400 dark:via-violet-400 dark:to-sky-400">
            production
          </span>
        </h1>
        <p className="mx-auto mt-6 max-w-2xl text-pretty text-lg leading-8 text-zinc-600 dark:text-zinc-400">
          Autostack turns a GitHub repository into a running deployment: it clones, builds in an isolated container and
          serves the result, with live build logs and a full history, on infrastructure you control.
        </p>
        <div className="mt-10 flex flex-col items-center justify-center gap-3 sm:flex-row">
          <Link to="/signup" className={buttonClasses({ size: "lg", className: "w-full sm:w-auto" })}>
            Get started
            <ArrowRight className="h-4 w-4" aria-hidden="true" />
          </Link>
          <Link to="/login" className={buttonClasses({ variant: "secondary", size: "lg", className: "w-full sm:w-auto" })}>
            Sign in
          </Link>
        </div>
        <DeploymentPreview />
      </div>
    </section>
  );
}

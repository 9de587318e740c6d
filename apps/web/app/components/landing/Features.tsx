import { ArrowRight, Check, Globe, Lock, ShieldCheck, Zap } from "lucide-react";
import type { ReactNode } from "react";
import { cx } from "@autostack/ui";
import { GitHubIcon } from "../BrandIcons";

function FeatureCard({
  icon,
  title,
  description,
  className,
  children,
}: {
  icon: ReactNode;
  title: string;
  description: string;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <article
      className={cx(
        "group relative flex flex-col overflow-hidden rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm transition-shadow hover:shadow-md sm:p-8 dark:border-zinc-800 dark:bg-zinc-900/60 dark:shadow-none",
        className,
      )}
    >
      <span className="flex h-10 w-10 items-center justify-center rounded-lg border border-zinc-200 bg-zinc-50 text-zinc-900 dark:border-zinc-700 dark:bg-zinc-800 dark:text-white">
        {icon}
      </span>
      <h3 className="mt-5 text-lg font-semibold tracking-tight text-zinc-900 dark:text-white">{title}</h3>
      <p className="mt-2 max-w-md text-sm leading-6 text-zinc-600 dark:text-zinc-400">{description}</p>
      {children ? <div className="mt-6 flex-1">{children}</div> : null}
    </article>
  );
}

function RepoFlow() {
  const repos = [
    { name: "you/portfolio", branch: "main" },
    { name: "you/saas-starter", branch: "production" },
    { name: "you/blog", branch: "main" },
  ];
  return (
    <div aria-hidden="true" className="grid items-center gap-4 sm:grid-cols-[1fr_auto_1fr]">
      <ul className="space-y-2">
        {repos.map((repo) => (
          <li
            key={repo.name}
            className="flex items-center justify-between gap-3 rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-950/60"
          >
            <span className="flex items-center gap-2 font-medium text-zinc-800 dark:text-zinc-200">
              <GitHubIcon className="h-3.5 w-3.5 text-zinc-500" />
              {repo.name}
            </span>
            <span className="font-mono text-xs text-zinc-500">{repo.branch}</span>
          </li>
        ))}
      </ul>
      <ArrowRight className="mx-auto hidden h-5 w-5 text-zinc-400 sm:block" />
      <div className="rounded-lg border border-dashed border-indigo-300 bg-indigo-50/60 p-4 text-sm dark:border-indigo-500/40 dark:bg-indigo-500/5">
        <p className="font-medium text-indigo-900 dark:text-indigo-200">On every push</p>
        <ul className="mt-2 space-y-1.5 text-indigo-800/80 dark:text-indigo-300/80">
          {["Clone the commit", "Build it", "Publish a new deployment"].map((step) => (
            <li key={step} className="flex items-center gap-2">
              <Check className="h-3.5 w-3.5" strokeWidth={2.5} />
              {step}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function SecurityList() {
  return (
    <ul aria-hidden="true" className="space-y-2 text-sm">
      {["Builds in isolated containers", "Secrets masked in build logs", "HttpOnly, SameSite sessions"].map((item) => (
        <li key={item} className="flex items-center gap-2 text-zinc-700 dark:text-zinc-300">
          <Lock className="h-3.5 w-3.5 text-emerald-600 dark:text-emerald-400" />
          {item}
        </li>
      ))}
    </ul>
  );
}

function CacheHeaders() {
  return (
    <pre
      aria-hidden="true"
      className="overflow-x-auto rounded-lg border border-zinc-200 bg-zinc-50 p-4 font-mono text-xs leading-6 text-zinc-700 dark:border-zinc-800 dark:bg-zinc-950/60 dark:text-zinc-300"
    >
      <span className="text-zinc-500">GET</span> /assets/index-8f2c1a.js{"\n"}
      <span className="text-indigo-600 dark:text-indigo-400">cache-control</span>: public, max-age=31536000, immutable{"\n"}
      <span className="text-indigo-600 dark:text-indigo-400">content-encoding</span>: gzip
    </pre>
  );
}

function BuildBars() {
  return (
    <div aria-hidden="true" className="space-y-2.5">
      {[
        { label: "Dependencies", note: "restored from cache", width: "w-1/4" },
        { label: "Build", note: "only what changed", width: "w-2/3" },
      ].map((row) => (
        <div key={row.label}>
          <div className="flex justify-between text-xs text-zinc-500">
            <span className="font-medium text-zinc-700 dark:text-zinc-300">{row.label}</span>
            <span>{row.note}</span>
          </div>
          <div className="mt-1.5 h-2 rounded-full bg-zinc-100 dark:bg-zinc-800">
            <div className={cx("h-2 rounded-full bg-gradient-to-r from-amber-400 to-orange-500", row.width)} />
          </div>
        </div>
      ))}
    </div>
  );
}

// In grid order; a wide card spans two of the three columns.
const features: { title: string; wide?: boolean; icon: ReactNode; description: string; visual: ReactNode }[] = [
  {
    title: "GitHub Integration",
    wide: true,
    icon: <GitHubIcon className="h-5 w-5" />,
    description:
      "Connect your GitHub account, pick a repository and a branch, and every push becomes a deployment with its commit, author and log attached.",
    visual: <RepoFlow />,
  },
  {
    title: "Lightning Fast",
    icon: <Zap className="h-5 w-5" aria-hidden="true" />,
    description:
      "Dependencies are cached between builds and static output is served straight from disk, so redeploys take as long as your change needs.",
    visual: <BuildBars />,
  },
  {
    title: "Secure by Default",
    icon: <ShieldCheck className="h-5 w-5" aria-hidden="true" />,
    description: "Sensible defaults instead of a checklist: isolated builds, masked secrets, hashed passwords and strict security headers.",
    visual: <SecurityList />,
  },
  {
    title: "Global CDN",
    wide: true,
    icon: <Globe className="h-5 w-5" aria-hidden="true" />,
    description:
      "Fingerprinted assets with immutable cache headers and compression, ready to sit behind the CDN of your choice and reach users wherever they are.",
    visual: <CacheHeaders />,
  },
];

export function Features() {
  return (
    <section aria-labelledby="features-title" className="mx-auto max-w-6xl px-4 py-24 sm:px-6">
      <div className="max-w-2xl">
        <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">Features</p>
        <h2 id="features-title" className="mt-2 text-3xl font-semibold tracking-tight text-zinc-900 sm:text-4xl dark:text-white">
          Everything you need to ship, nothing you have to babysit
        </h2>
        <p className="mt-4 text-lg leading-8 text-zinc-600 dark:text-zinc-400">
          A focused set of tools that takes your code from a repository to a URL, and keeps it there.
        </p>
      </div>
      <div className="mt-12 grid gap-4 md:grid-cols-3">
        {features.map(({ title, wide, icon, description, visual }) => (
          <FeatureCard key={title} className={wide ? "md:col-span-2" : undefined} icon={icon} title={title} description={description}>
            {visual}
          </FeatureCard>
        ))}
      </div>
    </section>
  );
}

import { Rocket, SlidersHorizontal } from "lucide-react";
import type { ReactNode } from "react";
import { GitHubIcon } from "../BrandIcons";

const steps: { title: string; description: string; icon: ReactNode }[] = [
  {
    title: "Connect your repository",
    description: "Sign in, connect GitHub and choose the repository and branch you want to deploy.",
    icon: <GitHubIcon className="h-5 w-5" />,
  },
  {
    title: "Configure the build",
    description: "Confirm the build command and output directory, and add the environment variables your app needs.",
    icon: <SlidersHorizontal className="h-5 w-5" aria-hidden="true" />,
  },
  {
    title: "Deploy and iterate",
    description: "Follow the build log live. Each deployment keeps its logs and status, and the next push starts another.",
    icon: <Rocket className="h-5 w-5" aria-hidden="true" />,
  },
];

export function HowItWorks() {
  return (
    <section aria-labelledby="how-title" className="border-y border-zinc-200 bg-zinc-50/70 dark:border-zinc-800 dark:bg-zinc-900/30">
      <div className="mx-auto max-w-6xl px-4 py-24 sm:px-6">
        <div className="mx-auto max-w-2xl text-center">
          <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">How it works</p>
          <h2 id="how-title" className="mt-2 text-3xl font-semibold tracking-tight text-zinc-900 sm:text-4xl dark:text-white">
            Three steps from code to a live URL
          </h2>
        </div>
        <ol className="relative mt-16 grid gap-10 md:grid-cols-3 md:gap-8">
          <div
            aria-hidden="true"
            className="absolute left-5 top-5 h-[calc(100%-2.5rem)] w-px bg-gradient-to-b from-indigo-500/60 via-violet-500/40 to-transparent md:left-[16.66%] md:right-[16.66%] md:top-5 md:h-px md:w-auto md:bg-gradient-to-r"
          />
          {steps.map((step, index) => (
            <li key={step.title} className="relative flex gap-5 md:flex-col md:items-center md:text-center">
              <span className="relative z-10 flex h-10 w-10 shrink-0 items-center justify-center rounded-full border border-zinc-200 bg-white text-zinc-900 shadow-sm ring-4 ring-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-white dark:ring-zinc-950">
                {step.icon}
              </span>
              <div>
                <p className="font-mono text-xs font-medium text-indigo-600 dark:text-indigo-400">Step {index + 1}</p>
                <h3 className="mt-1 text-lg font-semibold tracking-tight text-zinc-900 dark:text-white">{step.title}</h3>
                <p className="mt-2 text-sm leading-6 text-zinc-600 md:mx-auto md:max-w-xs dark:text-zinc-400">{step.description}</p>
              </div>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

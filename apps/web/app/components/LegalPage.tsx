import type { ReactNode } from "react";

export function LegalPage({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  return (
    <article className="mx-auto max-w-3xl px-4 py-20 sm:px-6">
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">Legal</p>
      <h1 className="mt-2 text-4xl font-semibold tracking-tight text-zinc-900 dark:text-white">{title}</h1>
      <p className="mt-4 text-lg leading-8 text-zinc-600 dark:text-zinc-400">{intro}</p>
      <div className="mt-10 space-y-8 text-[15px] leading-7 text-zinc-700 dark:text-zinc-300 [&_h2]:text-lg [&_h2]:font-semibold [&_h2]:tracking-tight [&_h2]:text-zinc-900 dark:[&_h2]:text-white [&_p]:mt-2">
        {children}
      </div>
    </article>
  );
}

import type { ReactNode } from "react";
import { Card } from "@autostack/ui";

/** Heading, card and the line under it that every sign-in page shares. */
export function AuthCard({ title, description, footer, children }: { title: string; description?: ReactNode; footer?: ReactNode; children: ReactNode }) {
  return (
    <div>
      <div className="mb-8 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">{title}</h1>
        {description ? <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{description}</p> : null}
      </div>
      <Card className="p-6 sm:p-8">{children}</Card>
      {footer ? <p className="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">{footer}</p> : null}
    </div>
  );
}

export const textLink =
  "rounded font-medium text-zinc-900 underline-offset-4 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-white";

import type { ReactNode } from "react";
import { cx } from "@autostack/ui";

// The centred icon and message a password page shows instead of its form
// (mail sent, reset link not valid).

const tones = {
  success: "bg-emerald-500/10 text-emerald-600 dark:text-emerald-400",
  error: "bg-red-500/10 text-red-600 dark:text-red-400",
};

export function AuthNotice({ tone, icon, children }: { tone: keyof typeof tones; icon: ReactNode; children: ReactNode }) {
  return (
    <div className="flex flex-col items-center text-center">
      <span className={cx("flex h-12 w-12 items-center justify-center rounded-full", tones[tone])}>{icon}</span>
      {/* An error is announced at once; a success politely. */}
      <p role={tone === "error" ? "alert" : "status"} className="mt-4 text-sm leading-6 text-zinc-600 dark:text-zinc-400">
        {children}
      </p>
    </div>
  );
}

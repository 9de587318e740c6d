import { Link } from "@remix-run/react";
import { useId } from "react";
import { cx, focusRing } from "@autostack/ui";

export function LogoMark({ className }: { className?: string }) {
  // One gradient id per instance: a reference to an id inside a hidden
  // (display: none) copy of the logo would paint nothing.
  const gradientId = `logo-gradient-${useId().replace(/:/g, "")}`;
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={cx("h-7 w-7 shrink-0", className)}>
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#6366f1" />
          <stop offset="1" stopColor="#8b5cf6" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${gradientId})`} />
      <path
        d="M9 19.5 16 23l7-3.5M9 15.5 16 19l7-3.5M16 8l7 3.5-7 3.5-7-3.5Z"
        fill="none"
        stroke="#fff"
        strokeWidth="2"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}

export function Logo({ to = "/", className }: { to?: string; className?: string }) {
  return (
    <Link to={to} className={cx("inline-flex items-center gap-2.5 rounded-md", focusRing, className)}>
      <LogoMark />
      <span className="text-[15px] font-semibold tracking-tight text-zinc-900 dark:text-white">Autostack</span>
    </Link>
  );
}

import { Link } from "@remix-run/react";
import { cx, focusRing } from "@autostack/ui";
import { LogoMark } from "./Logo";
import { ThemeSwitcher } from "./ThemeSwitcher";

const columns = [
  {
    title: "Product",
    links: [
      { to: "/pricing", label: "Pricing" },
      { to: "/templates", label: "Templates" },
      { to: "/pipelines", label: "Pipelines" },
      { to: "/monitoring", label: "Monitoring" },
    ],
  },
  {
    title: "Resources",
    links: [
      { to: "/docs", label: "Documentation" },
      { to: "/status", label: "Status" },
      { to: "/integrations", label: "Integrations" },
      { to: "/team", label: "Teams" },
    ],
  },
  {
    title: "Legal",
    links: [
      { to: "/terms", label: "Terms of Service" },
      { to: "/privacy", label: "Privacy Policy" },
    ],
  },
];

export function MarketingFooter() {
  return (
    <footer className="border-t border-zinc-200 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-950">
      <div className="mx-auto grid max-w-6xl gap-10 px-4 py-14 sm:px-6 md:grid-cols-[1.4fr_repeat(3,1fr)]">
        <div className="max-w-xs">
          <div className="flex items-center gap-2.5">
            <LogoMark className="h-6 w-6" />
            <span className="font-semibold tracking-tight text-zinc-900 dark:text-white">Autostack</span>
          </div>
          <p className="mt-3 text-sm leading-6 text-zinc-600 dark:text-zinc-400">
            The self-hostable deployment platform for indie developers. From git push to production on your own servers.
          </p>
        </div>
        {columns.map((column) => (
          <nav key={column.title} aria-label={column.title}>
            <h2 className="text-sm font-semibold text-zinc-900 dark:text-white">{column.title}</h2>
            <ul className="mt-3 space-y-2.5">
              {column.links.map((link) => (
                <li key={link.to}>
                  <Link
                    to={link.to}
                    className={cx(
                      "rounded text-sm text-zinc-600 transition-colors hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white",
                      focusRing,
                    )}
                  >
                    {link.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        ))}
      </div>
      <div className="border-t border-zinc-200 dark:border-zinc-800">
        <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-6 text-xs text-zinc-500 sm:flex-row sm:items-center sm:justify-between sm:px-6 dark:text-zinc-500">
          <p>© {new Date().getFullYear()} Autostack. Self-hosted by you.</p>
          <ThemeSwitcher />
        </div>
      </div>
    </footer>
  );
}

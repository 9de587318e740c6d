import { Link, useMatches } from "@remix-run/react";
import { BookOpen } from "lucide-react";
import type { ReactNode } from "react";
import { cx, focusRing } from "@autostack/ui";
import { Logo } from "../Logo";
import { NavMenu } from "../NavMenu";
import { ThemeSwitcher } from "../ThemeSwitcher";
import { NavLinks } from "./NavLinks";
import { UserMenu, type SessionUser } from "./UserMenu";

/** Routes under the app layout name their section with `export const handle = { section: "…" }`. */
function useSection(): string | null {
  const matches = useMatches();
  for (const match of [...matches].reverse()) {
    const section = (match.handle as { section?: unknown } | undefined)?.section;
    if (typeof section === "string") return section;
  }
  return null;
}

function Breadcrumb({ user }: { user: SessionUser }) {
  const section = useSection();
  return (
    <nav aria-label="Breadcrumb" className="hidden min-w-0 items-center gap-2 text-sm lg:flex">
      <span className="truncate text-zinc-500 dark:text-zinc-400">{user.name}</span>
      {section ? (
        <>
          <span aria-hidden="true" className="text-zinc-300 dark:text-zinc-700">
            /
          </span>
          <span aria-current="page" className="font-medium text-zinc-900 dark:text-white">
            {section}
          </span>
        </>
      ) : null}
    </nav>
  );
}

export function AppShell({ user, children }: { user: SessionUser; children: ReactNode }) {
  return (
    <div className="min-h-screen bg-zinc-50/70 dark:bg-zinc-950">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:left-4 focus:top-4 dark:bg-zinc-900"
      >
        Skip to content
      </a>
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 flex-col border-r border-zinc-200 bg-white lg:flex dark:border-zinc-800 dark:bg-zinc-950">
        <div className="flex h-16 items-center px-5">
          <Logo to="/dashboard" />
        </div>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 py-4">
          <NavLinks />
        </nav>
        <div className="space-y-3 border-t border-zinc-200 p-4 dark:border-zinc-800">
          <Link
            to="/docs"
            className={cx(
              "flex items-center gap-2 rounded-md text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white",
              focusRing,
            )}
          >
            <BookOpen className="h-4 w-4" aria-hidden="true" />
            Documentation
          </Link>
          <ThemeSwitcher />
        </div>
      </aside>
      <div className="lg:pl-64">
        <header className="sticky top-0 z-20 flex h-16 items-center gap-3 border-b border-zinc-200 bg-white/80 px-4 backdrop-blur-md sm:px-6 lg:px-8 dark:border-zinc-800 dark:bg-zinc-950/80">
          <NavMenu label="Open navigation" className="lg:hidden">
            <NavLinks />
            <div className="mt-2 border-t border-zinc-100 px-1 pt-3 dark:border-zinc-800">
              <ThemeSwitcher />
            </div>
          </NavMenu>
          <Logo to="/dashboard" className="lg:hidden" />
          <Breadcrumb user={user} />
          <div className="ml-auto">
            <UserMenu user={user} />
          </div>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6 lg:px-8 lg:py-10">
          {children}
        </main>
      </div>
    </div>
  );
}

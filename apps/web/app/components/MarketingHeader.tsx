import { Link, NavLink } from "@remix-run/react";
import { buttonClasses, cx, focusRing } from "@autostack/ui";
import { Logo } from "./Logo";
import { NavMenu } from "./NavMenu";
import { ThemeSwitcher } from "./ThemeSwitcher";

const links = [
  { to: "/docs", label: "Docs" },
  { to: "/templates", label: "Templates" },
  { to: "/integrations", label: "Integrations" },
  { to: "/pricing", label: "Pricing" },
];

/** The links as a row (wide screens) or as the phone menu's column. */
function MarketingLinks({ stacked }: { stacked?: boolean }) {
  return (
    <ul className={stacked ? "space-y-0.5" : "flex items-center gap-1"}>
      {links.map((link) => (
        <li key={link.to}>
          <NavLink
            to={link.to}
            className={({ isActive }) =>
              cx(
                "rounded-md px-3 py-2 text-sm transition-colors",
                stacked && "block",
                focusRing,
                isActive
                  ? "font-medium text-zinc-900 dark:text-white"
                  : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white",
              )
            }
          >
            {link.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

export function MarketingHeader({ signedIn }: { signedIn: boolean }) {
  return (
    <header className="sticky top-0 z-40 border-b border-zinc-200/70 bg-white/80 backdrop-blur-md dark:border-zinc-800/70 dark:bg-zinc-950/75">
      <div className="mx-auto flex h-16 max-w-6xl items-center gap-2 px-4 sm:px-6 md:gap-6">
        <NavMenu label="Open menu" className="-ml-2 md:hidden">
          <MarketingLinks stacked />
          {/* The header's theme switcher is hidden on phones. */}
          <div className="mt-2 border-t border-zinc-100 px-1 pt-3 dark:border-zinc-800">
            <ThemeSwitcher />
          </div>
        </NavMenu>
        <Logo />
        <nav aria-label="Main" className="hidden md:block">
          <MarketingLinks />
        </nav>
        <div className="ml-auto flex items-center gap-2 sm:gap-3">
          <ThemeSwitcher className="hidden sm:block" />
          {signedIn ? (
            <Link to="/dashboard" className={buttonClasses({ size: "sm" })}>
              Dashboard
            </Link>
          ) : (
            <>
              <Link to="/login" className={buttonClasses({ variant: "ghost", size: "sm" })}>
                Sign in
              </Link>
              <Link to="/signup" className={buttonClasses({ size: "sm" })}>
                Get started
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

import { Link, Outlet } from "@remix-run/react";
import { Logo } from "~/components/Logo";
import { ThemeSwitcher } from "~/components/ThemeSwitcher";

// Sign in, sign up and password pages: one centred card.
export default function AuthLayout() {
  return (
    <div className="relative isolate flex min-h-screen flex-col">
      <div aria-hidden="true" className="bg-grid mask-radial absolute inset-0 -z-10" />
      <div
        aria-hidden="true"
        className="absolute left-1/2 top-0 -z-10 h-72 w-[40rem] -translate-x-1/2 rounded-full bg-gradient-to-r from-indigo-400/20 via-violet-400/15 to-sky-400/15 blur-3xl dark:from-indigo-600/15 dark:via-violet-600/10 dark:to-sky-600/10"
      />
      <header className="mx-auto flex h-16 w-full max-w-6xl items-center justify-between px-4 sm:px-6">
        <Logo />
        <ThemeSwitcher />
      </header>
      <main className="flex flex-1 justify-center px-4 pb-16 pt-6 sm:pt-12">
        <div className="w-full max-w-[420px]">
          <Outlet />
        </div>
      </main>
      <footer className="pb-8 text-center text-xs text-zinc-500">
        <Link to="/terms" className="hover:text-zinc-800 dark:hover:text-zinc-300">
          Terms
        </Link>
        <span className="mx-2" aria-hidden="true">
          ·
        </span>
        <Link to="/privacy" className="hover:text-zinc-800 dark:hover:text-zinc-300">
          Privacy
        </Link>
        <span className="mx-2" aria-hidden="true">
          ·
        </span>
        <Link to="/docs" className="hover:text-zinc-800 dark:hover:text-zinc-300">
          Docs
        </Link>
      </footer>
    </div>
  );
}

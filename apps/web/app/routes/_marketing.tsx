import { Outlet, useRouteLoaderData } from "@remix-run/react";
import { MarketingFooter } from "~/components/MarketingFooter";
import { MarketingHeader } from "~/components/MarketingHeader";
import type { loader as rootLoader } from "~/root";

// Public pages: landing, coming-soon areas, legal pages.
export default function MarketingLayout() {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:left-4 focus:top-4 dark:bg-zinc-900"
      >
        Skip to content
      </a>
      <MarketingHeader signedIn={root?.signedIn ?? false} />
      <main id="main" className="flex-1">
        <Outlet />
      </main>
      <MarketingFooter />
    </div>
  );
}

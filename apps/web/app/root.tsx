import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { Toaster, ToastProvider, useToast, type ToastMessage } from "@autostack/ui";
import { ErrorPage } from "~/components/ErrorPage";
import { NavigationProgress } from "~/components/NavigationProgress";
import { themeScript, useOptimisticTheme, useSystemThemeClass } from "~/lib/theme";
import { resolveTheme } from "~/lib/theme.server";
import { takeToast, type FlashToast } from "~/lib/toast.server";
import stylesheet from "./app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Autostack — Deploy from git push to production" },
  {
    name: "description",
    content: "Autostack is a self-hostable deployment platform for indie developers: connect a repository, push, and ship.",
  },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [{ toast, headers }, { theme, signedIn }] = await Promise.all([
    takeToast(request, context.config),
    resolveTheme(request, context),
  ]);
  return data({ toast, theme, signedIn, config: context.config }, { headers });
}

function toToastMessage(flash: FlashToast): ToastMessage {
  return { id: flash.id, variant: flash.variant, title: flash.title, description: flash.description };
}

/** Shows the flash toast of the latest root loader run (after each redirect with a toast). */
function FlashToasts({ flash }: { flash: FlashToast | null | undefined }) {
  const { toast } = useToast();
  useEffect(() => {
    if (flash) toast(toToastMessage(flash));
  }, [flash, toast]);
  return null;
}

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const theme = useOptimisticTheme() ?? root?.theme ?? "system";
  useSystemThemeClass(theme);
  return (
    <html lang="en" className={theme === "dark" ? "dark" : undefined} data-theme={theme} suppressHydrationWarning>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen bg-white font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <NavigationProgress />
        <ToastProvider initial={root?.toast ? [toToastMessage(root.toast)] : []}>
          {children}
          <FlashToasts flash={root?.toast} />
          <Toaster />
        </ToastProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      return (
        <ErrorPage
          status={404}
          title="Page not found"
          message="The page you are looking for does not exist or has moved."
        />
      );
    }
    return <ErrorPage status={error.status} title="Something went wrong" message={error.statusText || "The request could not be completed."} />;
  }
  // Details only while developing; production never shows a stack.
  const detail = import.meta.env.DEV && error instanceof Error ? (error.stack ?? error.message) : undefined;
  return (
    <ErrorPage
      status={500}
      title="Something went wrong"
      message="An unexpected error occurred on our side. Try again in a moment; if it keeps happening, let the operator of this server know."
      detail={detail}
    />
  );
}

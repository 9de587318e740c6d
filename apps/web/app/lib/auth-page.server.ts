import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { safeRedirect } from "./redirect";
import { isSignedIn } from "./session.server";

/**
 * The loader of the sign-in and sign-up pages: a signed-in visitor goes
 * straight on to where they were headed; otherwise the page gets that place
 * (kept only when it is safe) and which OAuth providers to offer.
 */
export async function signedOutPageLoader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  if (await isSignedIn(request, context)) throw redirect(safeRedirect(redirectTo));
  return {
    redirectTo: redirectTo && safeRedirect(redirectTo, "") ? redirectTo : "",
    github: context.config.githubOAuthEnabled,
    google: context.config.googleOAuthEnabled,
  };
}

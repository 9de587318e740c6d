import { createCookie, type AppLoadContext } from "@remix-run/node";
import { cookieSecurity } from "./cookies.server";

// The dashboard's "Connect GitHub" banner, once dismissed, stays away in this
// browser for a year (a cookie: nothing to store per account). Connecting
// GitHub from Settings is always one click away.

const dismissedCookie = createCookie("github_banner_dismissed", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365 });

export async function githubBannerDismissed(request: Request): Promise<boolean> {
  const value: unknown = await dismissedCookie.parse(request.headers.get("Cookie")).catch(() => null);
  return value === "1";
}

export function dismissGitHubBannerHeader(context: AppLoadContext): Promise<string> {
  return dismissedCookie.serialize("1", cookieSecurity(context.config));
}

import { createCookie, type AppLoadContext } from "@remix-run/node";
import { themeSchema, type Theme } from "@autostack/api/schemas";
import { cookieSecurity } from "./cookies.server";
import { isUnauthorized } from "./errors.server";
import { hasSessionCookie } from "./session.server";

// The theme is rendered on the server (<html class="dark">), so no page ever
// flashes the wrong one. A signed-in user's preference wins; the `theme`
// cookie covers visitors and the moments when preferences cannot be read.

const themeCookie = createCookie("theme", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365 });

export async function themeFromCookie(request: Request): Promise<Theme | null> {
  const value: unknown = await themeCookie.parse(request.headers.get("Cookie")).catch(() => null);
  const parsed = themeSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function themeCookieHeader(theme: Theme, context: AppLoadContext): Promise<string> {
  return themeCookie.serialize(theme, cookieSecurity(context.config));
}

export async function resolveTheme(request: Request, context: AppLoadContext): Promise<{ theme: Theme; signedIn: boolean }> {
  const fallback = (await themeFromCookie(request)) ?? "system";
  if (!hasSessionCookie(request)) return { theme: fallback, signedIn: false };
  try {
    const preferences = await context.caller.user.preferences();
    return { theme: preferences.theme, signedIn: true };
  } catch (error) {
    // An expired session, or preferences unavailable: the page renders all the same.
    if (!isUnauthorized(error)) console.error("root: could not read preferences", error);
    return { theme: fallback, signedIn: false };
  }
}

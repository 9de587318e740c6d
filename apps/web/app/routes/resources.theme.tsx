import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { themeSchema } from "@autostack/api/schemas";
import { formFailure, isUnauthorized } from "~/lib/errors.server";
import { safeRedirect } from "~/lib/redirect";
import { hasSessionCookie } from "~/lib/session.server";
import { themeCookieHeader } from "~/lib/theme.server";

// Saves the theme: always in the `theme` cookie (visitors, and the fallback
// before preferences are read), and in the preferences of a signed-in user.
// Fetchers get JSON; a plain form post (no JavaScript) is sent back where it came from.

export function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const redirectTo = form.get("redirectTo");
  const parsed = themeSchema.safeParse(form.get("theme"));
  if (!parsed.success) return data({ ok: false as const, error: "Choose light, dark or system" }, { status: 422 });
  const theme = parsed.data;
  const headers = new Headers({ "Set-Cookie": await themeCookieHeader(theme, context) });
  if (hasSessionCookie(request)) {
    try {
      await context.caller.user.updatePreferences({ theme });
    } catch (error) {
      if (!isUnauthorized(error)) {
        const failure = formFailure(error);
        return data({ ok: false as const, error: failure.formError ?? "Could not save the theme" }, { status: failure.status, headers });
      }
    }
  }
  if (typeof redirectTo === "string" && redirectTo) return redirect(safeRedirect(redirectTo, "/"), { headers });
  return data({ ok: true as const, theme }, { headers });
}

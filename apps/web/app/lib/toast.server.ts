import { createCookie, redirect } from "@remix-run/node";
import { z } from "zod";
import type { PublicConfig } from "../../load-context";
import { cookieSecurity } from "./cookies.server";

// A one-shot message carried across a redirect ("Signed in", "Password
// changed"): set on the redirect, read and cleared by the root loader.

const toastCookie = createCookie("autostack_toast", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 });

const flashSchema = z.object({
  id: z.string().max(64),
  variant: z.enum(["success", "error", "info"]),
  title: z.string().max(200),
  description: z.string().max(500).optional(),
});

export type FlashToast = z.infer<typeof flashSchema>;
export type FlashToastInput = Omit<FlashToast, "id">;

export async function toastCookieHeader(toast: FlashToastInput, config: PublicConfig): Promise<string> {
  const id = `flash-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return toastCookie.serialize({ ...toast, id }, cookieSecurity(config));
}

export async function redirectWithToast(
  url: string,
  toast: FlashToastInput,
  config: PublicConfig,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const headers = new Headers(extraHeaders);
  headers.append("Set-Cookie", await toastCookieHeader(toast, config));
  return redirect(url, { headers });
}

/** The pending toast of this request, with the header that clears it. */
export async function takeToast(request: Request, config: PublicConfig): Promise<{ toast: FlashToast | null; headers: Headers }> {
  const headers = new Headers();
  const cookieHeader = request.headers.get("Cookie");
  if (!cookieHeader?.includes("autostack_toast=")) return { toast: null, headers };
  const parsed = flashSchema.safeParse(await toastCookie.parse(cookieHeader).catch(() => null));
  headers.append("Set-Cookie", await toastCookie.serialize("", { ...cookieSecurity(config), maxAge: 0, expires: new Date(0) }));
  return { toast: parsed.success ? parsed.data : null, headers };
}

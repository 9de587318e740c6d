/**
 * Where to go after signing in: only a path on this site. Anything else
 * ("//evil.example", "https://…", "/\\evil.example", control characters) would
 * be an open redirect and falls back. One rule for the app's forms and the
 * OAuth flow.
 */
export function safeRedirect(to: unknown, fallback = "/dashboard"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//")) return fallback;
  // Browsers treat a backslash like a slash ("/\evil.example" is protocol-relative).
  if (to.includes("\\")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) return fallback;
  return to;
}

export { safeRedirect } from "@autostack/api/schemas";

/** The login URL that brings the user back to `path` afterwards. */
export function loginUrl(path: string): string {
  return path === "/" || path === "" ? "/login" : `/login?redirectTo=${encodeURIComponent(path)}`;
}

import type { PublicConfig } from "../../load-context";

/** Cookies get `Secure` when the app is served over https (as the session cookie does). */
export function cookieSecurity(config: PublicConfig): { secure: boolean } {
  return { secure: config.appUrl.startsWith("https://") };
}

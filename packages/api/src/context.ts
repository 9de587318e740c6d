import { authenticateRequest, type AuthState } from "./services/auth/authenticate.js";
import type { Deps } from "./services/deps.js";
import { setCookie, type RequestInfo, type ResponseCookies } from "./services/http-request.js";

// The tRPC context: the process-wide Deps plus one request. Its building blocks
// live under services/ (deps.ts, http-request.ts) so services can use them
// without importing this file; they are re-exported here for the transports.

export type { Deps } from "./services/deps.js";
export {
  createCookieCollector,
  parseCookieHeader,
  serializeCookie,
  type CookieOptions,
  type CookieToSet,
  type RequestInfo,
  type ResponseCookies,
} from "./services/http-request.js";

export interface Context extends Deps {
  req: RequestInfo;
  cookies: ResponseCookies;
  auth: AuthState | null;
}

export async function createContext(deps: Deps, req: RequestInfo, cookies: ResponseCookies): Promise<Context> {
  const { auth, cookie } = await authenticateRequest(deps, req);
  // A renewed (sliding) or rejected session cookie goes out with whatever the procedure answers.
  if (cookie) setCookie(cookies, cookie);
  return { ...deps, req, cookies, auth };
}

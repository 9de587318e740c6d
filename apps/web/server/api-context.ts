import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createContext,
  serializeCookie,
  type Context,
  type Deps,
  type RequestInfo,
  type ResponseCookies,
} from "@autostack/api";
import { requestState } from "./request-state.js";

// Builds the tRPC context for one HTTP request, whichever transport (tRPC,
// REST, Remix) answers it. Domain logic lives in @autostack/api; this file
// only translates an IncomingMessage into its RequestInfo.

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

export function requestInfo(
  req: IncomingMessage,
  deps: Pick<Deps, "env">,
  source: RequestInfo["source"],
  overrides: Partial<RequestInfo> = {},
): RequestInfo {
  const state = requestState(req, deps.env);
  return {
    ip: state.ip,
    requestId: state.requestId,
    userAgent: header(req, "user-agent"),
    cookieHeader: header(req, "cookie"),
    authorizationHeader: header(req, "authorization"),
    source,
    ...overrides,
  };
}

/**
 * Cookies a procedure sets become Set-Cookie headers on this response.
 * Appending (never replacing) keeps cookies from earlier in the request, such
 * as a sliding session renewal done while authenticating.
 */
export function responseCookieJar(res: ServerResponse, deps: Pick<Deps, "log">): ResponseCookies {
  return {
    set(name, value, options) {
      if (res.headersSent) {
        // Only possible for streamed (deferred) Remix responses.
        deps.log.warn({ cookie: name }, "cookie set after the response headers were sent; dropped");
        return;
      }
      res.appendHeader("Set-Cookie", serializeCookie(name, value, options));
    },
  };
}

/** createContext, plus remembering who the caller is for the access log. */
export async function contextFor(deps: Deps, req: IncomingMessage, info: RequestInfo, cookies: ResponseCookies): Promise<Context> {
  const ctx = await createContext(deps, info, cookies);
  if (ctx.auth) requestState(req, deps.env).userId = ctx.auth.user.id;
  return ctx;
}

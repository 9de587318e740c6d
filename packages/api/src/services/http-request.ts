// The parts of an HTTP exchange that services deal in, whatever transport
// (tRPC, REST, Remix, WebSocket) carries it: who is asking (RequestInfo) and
// which cookies the answer sets. Services never touch a response: they return
// a CookieToSet and the procedure (or createContext) hands it to the
// transport's ResponseCookies. context.ts re-exports all of this.

export interface CookieOptions {
  maxAge?: number; // seconds; 0 deletes the cookie
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "lax" | "strict" | "none";
  path?: string;
}

/** A cookie a service wants the response to set (or clear: empty value, maxAge 0). */
export interface CookieToSet {
  name: string;
  value: string;
  options: CookieOptions;
}

/** Collects cookies a procedure wants to set, whatever transport answers. */
export interface ResponseCookies {
  set(name: string, value: string, options: CookieOptions): void;
}

export interface RequestInfo {
  ip: string;
  requestId: string;
  userAgent?: string;
  cookieHeader?: string;
  authorizationHeader?: string;
  /** `web` for Remix loaders/actions, `api` for tRPC and REST clients. */
  source: "web" | "api";
}

export function setCookie(cookies: ResponseCookies, cookie: CookieToSet): void {
  cookies.set(cookie.name, cookie.value, cookie.options);
}

/** Serialises cookies for a Set-Cookie header (used by every transport). */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? "/"}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAge)}`);
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.httpOnly !== false) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  parts.push(`SameSite=${(options.sameSite ?? "lax").replace(/^./, (c) => c.toUpperCase())}`);
  return parts.join("; ");
}

export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return cookies;
  // A name sent twice is ambiguous (a subdomain may have set one of them: cookie
  // tossing). Neither value is used, rather than guessing which one is ours.
  const ambiguous = new Set<string>();
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    if (name in cookies) {
      ambiguous.add(name);
      continue;
    }
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  for (const name of ambiguous) delete cookies[name];
  return cookies;
}

/** A cookie jar that records Set-Cookie header values (Remix, tests). */
export function createCookieCollector(): ResponseCookies & { headers: string[] } {
  const headers: string[] = [];
  return { headers, set: (name, value, options) => headers.push(serializeCookie(name, value, options)) };
}

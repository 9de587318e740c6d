import type { RequestHandler } from "express";
import type { Env } from "@autostack/api";

type HeaderEnv = Pick<Env, "NODE_ENV" | "httpsOnly" | "githubOAuthConfigured" | "googleOAuthConfigured">;

/**
 * The Content-Security-Policy for every response. Remix renders small inline
 * scripts (hydration data, route manifest), hence 'unsafe-inline' for
 * scripts; avatars may live on any https host. Vite's dev client additionally
 * needs eval for HMR; production never gets it. connect-src allows ws(s) to
 * this host for tRPC subscriptions and Vite HMR.
 */
export function contentSecurityPolicy(env: HeaderEnv): string {
  const development = env.NODE_ENV === "development";
  // A form that posts to an OAuth start route is redirected to the provider;
  // browsers apply form-action to that redirect too.
  const formTargets = ["'self'"];
  if (env.githubOAuthConfigured) formTargets.push("https://github.com");
  if (env.googleOAuthConfigured) formTargets.push("https://accounts.google.com");
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action ${formTargets.join(" ")}`,
  ];
  if (env.httpsOnly) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

export function securityHeaders(env: HeaderEnv): RequestHandler {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(env),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // Older browsers ignore frame-ancestors; both say "never frame this app".
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  // HSTS over plain http would be ignored at best and, behind a TLS-terminating
  // proxy with an http APP_URL, would lie about how the app is reached.
  if (env.httpsOnly) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return (_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
}

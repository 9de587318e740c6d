import express, { type Request, type Response, type Router } from "express";
import { finishOAuth, isOAuthProviderName, startOAuth, type Deps, type OAuthRedirect } from "@autostack/api";
import { requestInfo, responseCookieJar } from "./api-context.js";

// Sign-in with GitHub and Google: two redirects per provider, not JSON
// procedures. GET /api/auth/:provider leaves for the consent screen;
// GET /api/auth/:provider/callback comes back, and lands on the return path
// signed in or on /login with an error code. The flow (state, PKCE, linking,
// session) is services/auth/oauth in @autostack/api; this only applies the
// cookies and the redirect it returns.

function query(req: Request, name: string): string | null {
  const value = req.query[name];
  return typeof value === "string" ? value : null;
}

function send(res: Response, deps: Deps, outcome: OAuthRedirect): void {
  const jar = responseCookieJar(res, deps);
  for (const cookie of outcome.cookies) jar.set(cookie.name, cookie.value, cookie.options);
  res.setHeader("Cache-Control", "no-store");
  res.redirect(302, outcome.location);
}

export function createOAuthRouter(deps: Deps): Router {
  const router = express.Router();
  router.get("/api/auth/:provider/callback", (req, res, next) => {
    const provider = req.params.provider ?? "";
    if (!isOAuthProviderName(provider)) return next();
    const callback = { code: query(req, "code"), state: query(req, "state"), error: query(req, "error") };
    finishOAuth(deps, requestInfo(req, deps, "web"), provider, callback).then((outcome) => send(res, deps, outcome), next);
  });
  router.get("/api/auth/:provider", (req, res, next) => {
    const provider = req.params.provider ?? "";
    if (!isOAuthProviderName(provider)) return next();
    startOAuth(deps, requestInfo(req, deps, "web"), provider, { redirectTo: query(req, "redirectTo") }).then((outcome) => send(res, deps, outcome), next);
  });
  return router;
}

import type { RequestHandler } from "express";
import { AppError, type Deps } from "@autostack/api";
import { completeSetup } from "@autostack/api/services";
import { contextFor, requestInfo, responseCookieJar } from "./api-context.js";

// GET /api/github/setup — the GitHub App's Setup URL. GitHub sends the
// browser here after an installation with installation_id, setup_action,
// our signed state and (with user authorization on) a code. A redirect route
// like an OAuth callback: the answer is always a page (Settings → GitHub),
// with the outcome in its query, never JSON.

const SETTINGS = "/settings?tab=github";

function one(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function githubSetupRoute(deps: Deps): RequestHandler {
  return (req, res, next) => {
    void (async () => {
      const ctx = await contextFor(deps, req, requestInfo(req, deps, "web"), responseCookieJar(res, deps));
      if (!ctx.auth) {
        res.redirect(302, `/login?redirectTo=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      try {
        await completeSetup(deps, ctx.auth.user.id, {
          installationId: one(req.query.installation_id),
          state: one(req.query.state),
          code: one(req.query.code),
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        deps.log.warn({ userId: ctx.auth.user.id, code: error.code }, "GitHub App setup refused");
        res.redirect(302, `${SETTINGS}&githubError=${encodeURIComponent(error.message)}`);
        return;
      }
      res.redirect(302, `${SETTINGS}&github=connected`);
    })().catch(next);
  };
}

import express, { type RequestHandler } from "express";
import { createOpenApiExpressMiddleware } from "trpc-to-openapi";
import { appRouter, ValidationError, type Deps } from "@autostack/api";
import { contextFor, requestInfo, responseCookieJar } from "./api-context.js";
import { MAX_BODY_BYTES } from "./body-limit.js";
import { errorHandler, sendError } from "./http-errors.js";
import { createOpenApiDocument } from "./openapi.js";
import { pinInputCoercion } from "./schema-coercion.js";

// REST at /api: the same tRPC procedures, routed by their `openapi` meta
// (trpc-to-openapi). Success bodies are the procedure output as JSON; every
// error goes to sendError (http-errors.ts) and leaves as the spec's envelope.

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

function hasBody(req: express.Request): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * The API speaks JSON only. A body in any other format is refused as invalid
 * input (422) before trpc-to-openapi would answer 415 in its own shape. A
 * request without a body (POST /auth/logout, say) is fine: its input is {}.
 */
const requireJsonBody =
  (deps: Deps): RequestHandler =>
  (req, res, next) => {
    if (!BODY_METHODS.has(req.method)) return next();
    if (!hasBody(req)) {
      // trpc-to-openapi insists on the JSON content type even for an empty body.
      req.headers["content-type"] = "application/json";
      return next();
    }
    if (req.is("application/json")) return next();
    sendError(req, res, new ValidationError("Request body must be JSON", { body: "must be sent as application/json" }), deps.log);
  };

/**
 * No input of ours nests anywhere near this deep. trpc-to-openapi serialises
 * the parsed body again (JSON.stringify, recursive), which overflows the stack
 * on a body of some thousands of levels that JSON.parse read fine.
 */
const MAX_BODY_DEPTH = 32;

/** Measured without recursion, so the measuring cannot overflow either. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [node, depth] = item;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Inputs are objects (an array would be spread into {"0": ...} by trpc-to-openapi) of a sane depth. */
const requireObjectBody =
  (deps: Deps): RequestHandler =>
  (req, res, next) => {
    const body: unknown = req.body;
    if (BODY_METHODS.has(req.method) && (typeof body !== "object" || body === null || Array.isArray(body))) {
      sendError(req, res, new ValidationError("Request body must be a JSON object", { body: "must be a JSON object" }), deps.log);
    } else if (nestedDeeperThan(body, MAX_BODY_DEPTH)) {
      // Any method: a DELETE may carry a body too.
      sendError(req, res, new ValidationError("Request body is nested too deeply", { body: `must not nest more than ${MAX_BODY_DEPTH} levels` }), deps.log);
    } else next();
  };

export function createRestRouter(deps: Deps): express.Router {
  pinInputCoercion(appRouter);
  const router = express.Router();
  // Answers carry tokens and personal data: no shared or browser cache.
  router.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  let document: ReturnType<typeof createOpenApiDocument> | undefined;
  router.get("/openapi.json", (_req, res) => {
    document ??= createOpenApiDocument(deps.env);
    res.json(document);
  });

  router.use(requireJsonBody(deps));
  // Parsed here, not by trpc-to-openapi: it only parses a content type of
  // exactly "application/json" (not "...; charset=utf-8") and its parse
  // errors would be 400s. Failures go to errorHandler below (422, 413).
  router.use(express.json({ limit: MAX_BODY_BYTES }));
  router.use(requireObjectBody(deps));

  const openApi = createOpenApiExpressMiddleware({
    router: appRouter,
    createContext: ({ req, res }) => contextFor(deps, req, requestInfo(req, deps, "api"), responseCookieJar(res, deps)),
    // Rethrowing makes the handler reject before it writes its own error body
    // (see trpc-to-openapi/dist/esm/adapters/node-http/core.mjs: onError runs
    // first in its catch block), so the error reaches errorHandler instead.
    onError: ({ error }) => {
      throw error;
    },
  });
  // Express 4 ignores a rejected promise from a handler; hand it to next().
  router.use((req, res, next) => {
    openApi(req, res).catch(next);
  });

  router.use(errorHandler(deps.log));
  return router;
}

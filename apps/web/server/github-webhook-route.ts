import express from "express";
import type { Deps } from "@autostack/api";
import { receiveGitHubDelivery } from "@autostack/api/services";
import { MAX_BODY_BYTES } from "./body-limit.js";
import { sendError } from "./http-errors.js";

// POST /api/webhooks/github: the raw body (the signature is over its exact
// bytes) goes to the intake service, which records the delivery and queues
// its processing; nothing is built inside the request.

const header = (req: express.Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function createGitHubWebhookRouter(deps: Pick<Deps, "db" | "env" | "log">): express.Router {
  const router = express.Router();
  router.post("/api/webhooks/github", express.raw({ type: () => true, limit: MAX_BODY_BYTES }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    receiveGitHubDelivery(deps, {
      event: header(req, "x-github-event"),
      deliveryId: header(req, "x-github-delivery"),
      signature: header(req, "x-hub-signature-256"),
      body,
    }).then(
      (received) => res.status(received.status).json(received.body),
      (error: unknown) => sendError(req, res, error, deps.log),
    );
  });
  return router;
}

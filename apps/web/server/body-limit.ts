import { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { RequestHandler } from "express";
import { AppError, type Logger } from "@autostack/api";
import { sendError } from "./http-errors.js";

/** No request of this app needs more; larger bodies are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const BODY_TOO_LARGE = "autostack:body-too-large";

/**
 * The request class of our HTTP server (http-server.ts): it counts the body
 * bytes Node's parser hands over, whatever the framing (Content-Length or
 * chunked), for every reader alike (express.json, tRPC, Remix actions,
 * webhooks). Past MAX_BODY_BYTES it keeps nothing more and never ends the
 * body: a reader must not act on a truncated one. It tells the request's
 * middleware (rejectOversizedBodies), which answers 413 and then closes the
 * connection, so memory stays flat however much the client sends.
 */
export class BodyLimitedRequest extends IncomingMessage {
  bodyTooLarge = false;

  constructor(socket: Socket) {
    super(socket);
    // An own property, not a method: Express swaps the request's prototype for its own.
    let bodyBytes = 0;
    const push = IncomingMessage.prototype.push;
    this.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (this.bodyTooLarge) return true; // dropped, the end included
      if (chunk !== null && chunk !== undefined) {
        bodyBytes += (chunk as { length: number }).length;
        if (bodyBytes > MAX_BODY_BYTES) {
          this.bodyTooLarge = true;
          this.emit(BODY_TOO_LARGE);
          return true;
        }
      }
      return push.call(this, chunk, encoding);
    };
  }
}

/**
 * Refuses an oversized body, for every route (Remix form posts included):
 * a declared Content-Length up front, before anyone reads it; a chunked one
 * as soon as BodyLimitedRequest has counted past the limit.
 */
export function rejectOversizedBodies(log: Logger): RequestHandler {
  return (req, res, next) => {
    const refuse = () => {
      // The client is still sending: answer, then close the connection rather than read a body we refuse anyway.
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      res.setHeader("Connection", "close");
      res.once("finish", () => req.socket.destroy());
      sendError(req, res, new AppError("PAYLOAD_TOO_LARGE", 413, "Request body is too large"), log);
    };
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > MAX_BODY_BYTES || (req as { bodyTooLarge?: boolean }).bodyTooLarge) return refuse();
    req.once(BODY_TOO_LARGE, refuse);
    res.once("close", () => req.off(BODY_TOO_LARGE, refuse));
    next();
  };
}

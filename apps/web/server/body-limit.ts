import type { RequestHandler } from "express";
import { AppError, type Logger } from "@autostack/api";
import { sendError } from "./http-errors.js";

/** No request of this app needs more; larger bodies are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Refuses a declared oversized body up front, for every route (Remix form
 * posts included), before anyone reads it. Chunked bodies without a length
 * are capped by each reader: express.json on /api, maxBodySize on /trpc.
 */
export function rejectOversizedBodies(log: Logger): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers["content-length"] ?? 0);
    if (length <= MAX_BODY_BYTES) return next();
    // The client is still sending; close the connection after answering
    // rather than reading a body we refuse anyway.
    res.setHeader("Connection", "close");
    sendError(req, res, new AppError("PAYLOAD_TOO_LARGE", 413, "Request body is too large"), log);
  };
}

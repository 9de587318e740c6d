import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, ValidationError, toErrorEnvelope, type Logger } from "@autostack/api";
import { findRequestState } from "./request-state.js";

// THE place where an error becomes an HTTP error response. REST procedures,
// body parsing, CSRF refusals, unknown routes and unexpected failures all end
// here, so every error body is the spec's envelope
// {"error":{"code","message","statusCode","details"}} built by toErrorEnvelope,
// and nothing else (no stack, no tRPC shape) ever reaches a client.

interface BodyParserError {
  /** "entity.parse.failed" and the like; absent when body-parser wraps another error (a zlib one for a corrupt gzip body). */
  type?: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === "object" &&
    error !== null &&
    (typeof (error as { type?: unknown }).type === "string" || (error as { expose?: unknown }).expose === true) &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

/** Turns transport-level failures (body-parser) into domain errors. */
function normalize(error: unknown): unknown {
  if (!isBodyParserError(error)) return error;
  if (error.type === "entity.too.large") return new AppError("PAYLOAD_TOO_LARGE", 413, "Request body is too large");
  if (error.type === "entity.parse.failed") {
    return new ValidationError("Request body is not valid JSON", { body: "must be a JSON object" });
  }
  // Unsupported charset or encoding, aborted upload: still the client's fault.
  if (error.status >= 400 && error.status < 500) {
    return new ValidationError("Request body could not be read", { body: "could not be read" });
  }
  return error;
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, log: Logger, requestId = findRequestState(req)?.requestId): void {
  const envelope = toErrorEnvelope(normalize(error));
  const { statusCode, details } = envelope.error;
  if (statusCode >= 500) log.error({ err: error, requestId }, "request failed");
  if (res.headersSent) {
    // A streamed response failed half-way: all we can do is cut it off.
    res.destroy();
    return;
  }
  res.statusCode = statusCode;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  if (statusCode === 429 && typeof details.retryAfter === "number") {
    res.setHeader("Retry-After", String(Math.ceil(details.retryAfter)));
  }
  res.end(JSON.stringify(envelope));
}

/** Express's last error handler. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => sendError(req, res, error, log);
}

/** Answers any path nobody handled (no Remix mounted, or under /api). */
export function notFound(log: Logger): RequestHandler {
  return (req, res) => sendError(req, res, new AppError("NOT_FOUND", 404, `No route for ${req.method} ${req.path}`), log);
}

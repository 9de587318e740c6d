// Domain errors thrown by services, and the one mapping from any error to the
// spec's envelope {"error":{"code","message","statusCode","details"}}.

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = "Authentication required") {
    super("UNAUTHORIZED", 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You are not allowed to do this") {
    super("FORBIDDEN", 403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = "Not found", code = "NOT_FOUND") {
    super(code, 404, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("CONFLICT", 409, message, details);
  }
}

export class ValidationError extends AppError {
  /** `fields` maps a field path ("email", "envVars.0") to what is wrong with it. */
  constructor(message: string, fields: Record<string, string> = {}) {
    super("VALIDATION_ERROR", 422, message, { fields });
  }
}

export class RateLimitError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests, try again later",
  ) {
    super("RATE_LIMIT_EXCEEDED", 429, message, { retryAfter: retryAfterSeconds });
  }
}

export interface ErrorEnvelope {
  error: { code: string; message: string; statusCode: number; details: ErrorDetails };
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}

function isZodLikeError(error: unknown): error is { issues: ZodLikeIssue[] } {
  return (
    typeof error === "object" &&
    error !== null &&
    Array.isArray((error as { issues?: unknown }).issues) &&
    ((error as { name?: string }).name === "ZodError" || (error as { name?: string }).name === "$ZodError")
  );
}

/** Field path → first message, from a zod error (input validation). */
export function zodIssuesToFields(issues: ZodLikeIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "body";
    fields[key] ??= issue.message;
  }
  return fields;
}

const trpcCodeToStatus: Record<string, [string, number]> = {
  PARSE_ERROR: ["VALIDATION_ERROR", 422],
  BAD_REQUEST: ["VALIDATION_ERROR", 422],
  UNPROCESSABLE_CONTENT: ["VALIDATION_ERROR", 422],
  UNAUTHORIZED: ["UNAUTHORIZED", 401],
  FORBIDDEN: ["FORBIDDEN", 403],
  NOT_FOUND: ["NOT_FOUND", 404],
  METHOD_NOT_SUPPORTED: ["METHOD_NOT_ALLOWED", 405],
  TOO_MANY_REQUESTS: ["RATE_LIMIT_EXCEEDED", 429],
  PAYLOAD_TOO_LARGE: ["PAYLOAD_TOO_LARGE", 413],
  CONFLICT: ["CONFLICT", 409],
  // tRPC's transport refuses these itself (a DELETE, a body that is not JSON):
  // the client's fault, never a 500.
  UNSUPPORTED_MEDIA_TYPE: ["UNSUPPORTED_MEDIA_TYPE", 415],
  PAYMENT_REQUIRED: ["PAYMENT_REQUIRED", 402],
  TIMEOUT: ["TIMEOUT", 408],
  PRECONDITION_FAILED: ["PRECONDITION_FAILED", 412],
  PRECONDITION_REQUIRED: ["PRECONDITION_REQUIRED", 428],
  CLIENT_CLOSED_REQUEST: ["CLIENT_CLOSED_REQUEST", 499],
};

/**
 * Maps anything thrown (an AppError, a tRPC error wrapping one, a zod error, or
 * an unexpected failure) to the envelope. Unknown errors become a 500 that
 * leaks nothing about internals.
 */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    if (current instanceof AppError) {
      return { error: { code: current.code, message: current.message, statusCode: current.statusCode, details: current.details } };
    }
    if (isZodLikeError(current)) {
      return {
        error: {
          code: "VALIDATION_ERROR",
          message: "Request validation failed",
          statusCode: 422,
          details: { fields: zodIssuesToFields(current.issues) },
        },
      };
    }
    current = (current as { cause?: unknown }).cause;
  }
  const trpcCode = (error as { code?: unknown } | null)?.code;
  if (typeof trpcCode === "string" && trpcCode in trpcCodeToStatus) {
    const [code, statusCode] = trpcCodeToStatus[trpcCode]!;
    const message = statusCode === 422 ? "Request validation failed" : (error as Error).message;
    return { error: { code, message, statusCode, details: {} } };
  }
  return { error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side", statusCode: 500, details: {} } };
}

import { toErrorEnvelope } from "@autostack/api";
import type { FieldErrors } from "./forms";

// A caller throws TRPCError whose cause is the service's AppError; the API's
// one mapping (toErrorEnvelope) turns it into the spec's envelope. Routes only
// ever look at that envelope.

export interface FormFailure {
  code: string;
  status: number;
  /** A message for the whole form; null when the field messages say it all. */
  formError: string | null;
  fields: FieldErrors;
}

function fieldsOf(details: Record<string, unknown>): FieldErrors {
  const fields = details.fields;
  if (typeof fields !== "object" || fields === null) return {};
  const result: FieldErrors = {};
  for (const [key, value] of Object.entries(fields)) if (typeof value === "string") result[key] = value;
  return result;
}

export function formFailure(error: unknown): FormFailure {
  const { code, statusCode, message, details } = toErrorEnvelope(error).error;
  const { body, ...fields } = fieldsOf(details);
  let formError: string | null = message;
  if (code === "RATE_LIMIT_EXCEEDED") {
    const retryAfter = typeof details.retryAfter === "number" ? Math.max(1, Math.ceil(details.retryAfter)) : null;
    formError = retryAfter ? `Too many attempts, try again in ${retryAfter} s` : "Too many attempts, try again shortly";
  } else if (body) {
    formError = body;
  } else if (Object.keys(fields).length > 0) {
    formError = null;
  }
  return { code, status: statusCode, formError, fields };
}

export function isUnauthorized(error: unknown): boolean {
  return toErrorEnvelope(error).error.code === "UNAUTHORIZED";
}

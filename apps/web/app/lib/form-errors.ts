import type { EnvelopeError } from "./api-errors";
import type { FieldErrors } from "./forms";

// The one mapping from the spec's error envelope to what a form shows, for
// actions on the server (toErrorEnvelope of what a caller threw) and for tRPC
// calls in the browser (the envelope in a failed call's data). The words are
// the server's: limits are configurable, so the form never restates them.

export interface FormFailure {
  code: string;
  status: number;
  /** A message for the whole form; null when the field messages say it all. */
  formError: string | null;
  /** Field path ("email", "envVars.2") → the server's message. */
  fields: FieldErrors;
}

/** "42 seconds", "13 minutes". */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function fieldsOf(details: Record<string, unknown>): FieldErrors {
  const fields = details.fields;
  if (typeof fields !== "object" || fields === null) return {};
  const result: FieldErrors = {};
  for (const [key, value] of Object.entries(fields)) if (typeof value === "string") result[key] = value;
  return result;
}

function asSentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

/** A rate limit's message, with the wait its Retry-After asks for (unless the message already names it). */
function rateLimitMessage(message: string, retryAfter: unknown): string {
  if (typeof retryAfter !== "number" || !Number.isFinite(retryAfter) || retryAfter <= 0) return message;
  if (/try again in/i.test(message)) return message;
  return `${asSentence(message)} Try again in ${waitText(Math.ceil(retryAfter))}.`;
}

export function formFailureOf(envelope: EnvelopeError): FormFailure {
  const details = envelope.details ?? {};
  // "body" (and an empty path) is zod's name for an issue of the whole input.
  const { body, "": whole, ...fields } = fieldsOf(details);
  let formError: string | null = envelope.message;
  if (envelope.code === "RATE_LIMIT_EXCEEDED") formError = rateLimitMessage(envelope.message, details.retryAfter);
  else if (body ?? whole) formError = body ?? whole ?? null;
  else if (Object.keys(fields).length > 0) formError = null;
  return { code: envelope.code, status: envelope.statusCode, formError, fields };
}

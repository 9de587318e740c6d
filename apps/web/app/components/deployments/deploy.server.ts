import { toErrorEnvelope } from "@autostack/api";
import type { FieldErrors } from "../../lib/forms";
import { envVarLineMessage } from "./env-vars";

// deployment.create's failures, as the wizard shows them: field messages go
// back to their step and field, the rest is a message on the last step.

export interface DeployFailure {
  ok: false;
  status: number;
  code: string;
  formError: string | null;
  fields: FieldErrors;
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function deployFailure(error: unknown): DeployFailure {
  const { code, statusCode, message, details } = toErrorEnvelope(error).error;
  const fields: FieldErrors = {};
  const raw = typeof details.fields === "object" && details.fields !== null ? (details.fields as Record<string, unknown>) : {};
  let formError: string | null = null;
  for (const [path, value] of Object.entries(raw)) {
    if (typeof value !== "string") continue;
    if (path === "body" || path === "") formError = value;
    else fields[path] = path.startsWith("envVars.") ? envVarLineMessage(path, value) : value;
  }
  if (code === "RATE_LIMIT_EXCEEDED") {
    const retryAfter = typeof details.retryAfter === "number" ? Math.max(1, Math.ceil(details.retryAfter)) : null;
    formError = `You have reached the limit of 10 deployments per hour. ${retryAfter ? `Try again in ${waitText(retryAfter)}.` : "Try again later."}`;
  } else if (Object.keys(fields).length === 0) {
    formError ??= statusCode >= 500 ? "The deployment could not be started. Try again in a moment." : message;
  }
  return { ok: false, status: statusCode, code, formError, fields };
}

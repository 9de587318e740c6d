import { toErrorEnvelope, type ErrorEnvelope } from "../errors.js";

// For the deployment router's tests (deployment*.test.ts): what a client is told.

/** The error envelope a call is answered with, or "OK" when it succeeds. */
export async function envelopeOf(promise: Promise<unknown>): Promise<ErrorEnvelope["error"] | "OK"> {
  return promise.then(
    () => "OK" as const,
    (error: unknown) => toErrorEnvelope(error).error,
  );
}

import { data } from "@remix-run/node";
import { toErrorEnvelope } from "@autostack/api";
import { formFailureOf, type FormFailure } from "./form-errors";

// A caller throws TRPCError whose cause is the service's AppError; the API's
// one mapping (toErrorEnvelope) turns it into the spec's envelope. Routes only
// ever look at that envelope, through the one form mapping (form-errors.ts).

export function formFailure(error: unknown): FormFailure {
  return formFailureOf(toErrorEnvelope(error).error);
}

/** A form action's failure: the messages, and what the user typed so that the form is filled in again. */
export function formFailureWithValues<Values>(error: unknown, values: Values) {
  const failure = formFailure(error);
  return data({ formError: failure.formError, fields: failure.fields, values }, { status: failure.status });
}

export function isUnauthorized(error: unknown): boolean {
  return toErrorEnvelope(error).error.code === "UNAUTHORIZED";
}

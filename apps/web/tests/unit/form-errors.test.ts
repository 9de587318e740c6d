import { describe, expect, it } from "vitest";
import { RateLimitError, ValidationError } from "@autostack/api";
import { envelopeOf, retryAfterSeconds } from "../../app/lib/api-errors";
import { formFailure } from "../../app/lib/errors.server";
import { formFailureOf, waitText } from "../../app/lib/form-errors";

// Every form (auth, settings, the deploy wizard, the deployment page's
// actions, detection in the browser) reads a failure through formFailureOf.

const envelope = (error: object) => ({ data: { envelope: { error } } });

describe("the envelope → form error mapping", () => {
  it("puts field messages on their fields and no message on the form", () => {
    const failure = formFailure(new ValidationError("Invalid input", { repository: "GitHub is not connected", "envVars.2": "X is defined twice" }));
    expect(failure).toEqual({
      code: "VALIDATION_ERROR",
      status: 422,
      formError: null,
      fields: { repository: "GitHub is not connected", "envVars.2": "X is defined twice" },
    });
  });

  it("shows an issue of the whole input (zod's body) as the form's message", () => {
    const failure = formFailureOf({ code: "VALIDATION_ERROR", message: "Request validation failed", statusCode: 422, details: { fields: { body: "Expected an object", email: "Invalid" } } });
    expect(failure).toMatchObject({ formError: "Expected an object", fields: { email: "Invalid" } });
  });

  it("takes a rate limit's message, with the configured number, from the envelope and adds the wait", () => {
    const limited = formFailureOf({
      code: "RATE_LIMIT_EXCEEDED",
      message: "You have reached the limit of 3 deployments per hour",
      statusCode: 429,
      details: { retryAfter: 754 },
    });
    expect(limited).toEqual({ code: "RATE_LIMIT_EXCEEDED", status: 429, formError: "You have reached the limit of 3 deployments per hour. Try again in 13 minutes.", fields: {} });
    expect(formFailure(new RateLimitError(30, "At most 25 deployments an hour.")).formError).toBe("At most 25 deployments an hour. Try again in 30 seconds.");
    expect(formFailure(new RateLimitError(30, "Busy; try again in a few seconds")).formError).toBe("Busy; try again in a few seconds");
    expect(formFailureOf({ code: "RATE_LIMIT_EXCEEDED", message: "Slow down", statusCode: 429, details: {} }).formError).toBe("Slow down");
  });

  it("shows the server's message for anything else, a 500 included", () => {
    expect(formFailure(new Error("boom with internals"))).toEqual({ code: "INTERNAL_SERVER_ERROR", status: 500, formError: "Something went wrong on our side", fields: {} });
    expect(formFailureOf({ code: "CONFLICT", message: "Email is already registered", statusCode: 409 }).formError).toBe("Email is already registered");
  });

  it("reads the envelope of a failed tRPC call in the browser", () => {
    const error = envelope({ code: "RATE_LIMIT_EXCEEDED", message: "Too many requests", statusCode: 429, details: { retryAfter: 2.2 } });
    expect(formFailureOf(envelopeOf(error)!).formError).toBe("Too many requests. Try again in 3 seconds.");
    expect(retryAfterSeconds(error)).toBe(3);
    expect(envelopeOf(new Error("socket closed"))).toBeNull();
    expect(retryAfterSeconds(envelope({ code: "NOT_FOUND", message: "Not found", statusCode: 404 }))).toBeNull();
  });

  it("says a wait in seconds under a minute, else in whole minutes", () => {
    expect([waitText(1), waitText(59), waitText(60), waitText(61), waitText(3600)]).toEqual(["1 second", "59 seconds", "1 minute", "2 minutes", "60 minutes"]);
  });
});

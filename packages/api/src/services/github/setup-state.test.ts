import { describe, expect, it } from "vitest";
import { createSetupState, SETUP_STATE_TTL_MS, verifySetupState } from "./setup-state.js";

const env = { JWT_SECRET: "test-secret-that-is-at-least-32-characters-long" };
const other = { JWT_SECRET: "another-secret-that-is-at-least-32-characters" };

describe("setup state", () => {
  it("is accepted for its user until it expires, and for no one else", () => {
    const now = Date.now();
    const state = createSetupState(env, "user-a", now);
    expect(verifySetupState(env, state, "user-a", now + 1000)).toBe(true);
    expect(verifySetupState(env, state, "user-b", now + 1000)).toBe(false);
    expect(verifySetupState(env, state, "user-a", now + SETUP_STATE_TTL_MS + 1)).toBe(false);
  });

  it("refuses a state signed with another key or with its user or expiry changed", () => {
    const now = Date.now();
    const state = createSetupState(env, "user-a", now);
    expect(verifySetupState(other, state, "user-a", now)).toBe(false);
    const [, expiry, nonce, mac] = state.split(".");
    expect(verifySetupState(env, ["user-b", expiry, nonce, mac].join("."), "user-b", now)).toBe(false);
    expect(verifySetupState(env, ["user-a", String(now + 10 * SETUP_STATE_TTL_MS), nonce, mac].join("."), "user-a", now + 2 * SETUP_STATE_TTL_MS)).toBe(false);
    expect(verifySetupState(env, `${state}.extra`, "user-a", now)).toBe(false);
  });
});

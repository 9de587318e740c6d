import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.js";

// Configuration defaults that depend on where the platform runs.

const base = { DATABASE_URL: "postgresql://localhost/autostack", JWT_SECRET: "x".repeat(32) };

describe("configuration", () => {
  it("accepts local repositories under pnpm dev only, unless ALLOW_LOCAL_REPOS says otherwise", () => {
    expect(parseEnv({ ...base, NODE_ENV: "development" }).ALLOW_LOCAL_REPOS).toBe(true);
    expect(parseEnv({ ...base, NODE_ENV: "production" }).ALLOW_LOCAL_REPOS).toBe(false);
    expect(parseEnv({ ...base, NODE_ENV: "test" }).ALLOW_LOCAL_REPOS).toBe(false);
    expect(parseEnv({ ...base, NODE_ENV: "development", ALLOW_LOCAL_REPOS: "false" }).ALLOW_LOCAL_REPOS).toBe(false);
    expect(parseEnv({ ...base, NODE_ENV: "production", ALLOW_LOCAL_REPOS: "true" }).ALLOW_LOCAL_REPOS).toBe(true);
  });

  it("names a malformed variable in one line", () => {
    expect(() => parseEnv({ ...base, ALLOW_LOCAL_REPOS: "maybe" })).toThrow(/^Invalid configuration: ALLOW_LOCAL_REPOS /);
  });
});

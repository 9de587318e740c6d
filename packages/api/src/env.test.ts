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

  it("is production unless NODE_ENV says otherwise: no local repositories, no dev mailbox", () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({ NODE_ENV: "production", isProduction: true, ALLOW_LOCAL_REPOS: false, devMailboxEnabled: false });
  });

  it("never serves the dev mailbox in production, even with DEV_MAILBOX=true", () => {
    expect(parseEnv({ ...base, NODE_ENV: "production", DEV_MAILBOX: "true" }).devMailboxEnabled).toBe(false);
    expect(parseEnv({ ...base, NODE_ENV: "development" }).devMailboxEnabled).toBe(true);
    expect(parseEnv({ ...base, NODE_ENV: "development", DEV_MAILBOX: "false" }).devMailboxEnabled).toBe(false);
    expect(parseEnv({ ...base, NODE_ENV: "development", SMTP_HOST: "smtp.example.com" }).devMailboxEnabled).toBe(false);
  });

  it("names a malformed variable in one line", () => {
    expect(() => parseEnv({ ...base, ALLOW_LOCAL_REPOS: "maybe" })).toThrow(/^Invalid configuration: ALLOW_LOCAL_REPOS /);
  });

  it("filters build egress by default and reads the operator's allowed hosts as a list", () => {
    const env = parseEnv(base);
    expect(env.BUILD_NETWORK).toBe("public");
    expect(env.BUILD_EGRESS_ALLOW_HOSTS).toEqual([]);
    expect(parseEnv({ ...base, BUILD_EGRESS_ALLOW_HOSTS: " npm.internal.example, 10.0.0.5 ,," }).BUILD_EGRESS_ALLOW_HOSTS).toEqual(["npm.internal.example", "10.0.0.5"]);
    expect(() => parseEnv({ ...base, BUILD_EGRESS_ALLOW_HOSTS: "https://npm.internal/" })).toThrow(/^Invalid configuration: BUILD_EGRESS_ALLOW_HOSTS /);
    expect(() => parseEnv({ ...base, BUILD_NETWORK: "host" })).toThrow(/^Invalid configuration: BUILD_NETWORK /);
  });

  it("points at GitHub and Google unless told otherwise, and takes a stand-in over http without its trailing slash", () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({ GITHUB_URL: "https://github.com", GITHUB_API_URL: "https://api.github.com", githubAppConfigured: false });
    const local = parseEnv({ ...base, GITHUB_URL: "http://127.0.0.1:4010/", GITHUB_API_URL: "http://127.0.0.1:4010/api/v3/" });
    expect(local).toMatchObject({ GITHUB_URL: "http://127.0.0.1:4010", GITHUB_API_URL: "http://127.0.0.1:4010/api/v3" });
    expect(() => parseEnv({ ...base, GITHUB_URL: "ftp://github.example" })).toThrow(/^Invalid configuration: GITHUB_URL must be an http/);
  });

  it("takes the GitHub App's four variables together, its key with \\n escapes", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----";
    const app = { GITHUB_APP_ID: "12345", GITHUB_APP_SLUG: "autostack-dev", GITHUB_APP_PRIVATE_KEY: pem, GITHUB_WEBHOOK_SECRET: "s".repeat(20) };
    const env = parseEnv({ ...base, ...app });
    expect(env.githubAppConfigured).toBe(true);
    expect(env.GITHUB_APP_PRIVATE_KEY).toBe("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----");
    expect(() => parseEnv({ ...base, ...app, GITHUB_WEBHOOK_SECRET: "" })).toThrow(/^Invalid configuration: GITHUB_WEBHOOK_SECRET must be set together with GITHUB_APP_ID/);
    expect(() => parseEnv({ ...base, ...app, GITHUB_APP_PRIVATE_KEY: "not a key" })).toThrow(/^Invalid configuration: GITHUB_APP_PRIVATE_KEY must be the App's PEM/);
    expect(() => parseEnv({ ...base, ...app, GITHUB_APP_ID: "abc" })).toThrow(/^Invalid configuration: GITHUB_APP_ID /);
  });
});

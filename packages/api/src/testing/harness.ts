import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { pino } from "pino";
import { createContext, createCookieCollector, parseCookieHeader, type Deps, type RequestInfo } from "../context.js";
import { parseEnv, type Env } from "../env.js";
import { createCaller } from "../root.js";
import { createJobQueue, type JobQueueHandle } from "../services/jobs.js";

// A real database per test file, a real job queue, and callers that act as a
// browser (cookies carried between calls) or as an API client.

export const TEST_SECRET = "test-secret-that-is-at-least-32-characters-long";

export function testEnv(overrides: Record<string, string> = {}, databaseUrl = "postgresql://unused/db"): Env {
  return parseEnv({ NODE_ENV: "test", DATABASE_URL: databaseUrl, JWT_SECRET: TEST_SECRET, LOG_LEVEL: "silent", REPOSITORY_CHECK: "false", ...overrides });
}

export interface Harness {
  database: TestDatabase;
  deps: Deps;
  jobs: JobQueueHandle;
  close(): Promise<void>;
  /** A caller with its own cookie jar, like one browser. */
  browser(options?: { ip?: string }): Promise<BrowserClient>;
  /** A caller for an API client (no cookies; optional bearer token). */
  api(options?: { ip?: string; accessToken?: string }): Promise<ReturnType<typeof createCaller>>;
}

export interface BrowserClient {
  caller(): Promise<ReturnType<typeof createCaller>>;
  cookies: Map<string, string>;
  setCookies: string[];
}

export async function createHarness(envOverrides: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase(inject("adminUrl"));
  const env = testEnv(envOverrides, database.url);
  const jobs = await createJobQueue(database.url);
  const deps: Deps = { db: database.db, env, log: pino({ level: "silent" }), jobs: jobs.queue };

  async function call(req: Partial<RequestInfo>, onSetCookie?: (header: string) => void) {
    const collector = createCookieCollector();
    const info: RequestInfo = { ip: "203.0.113.10", requestId: randomUUID(), source: "api", ...req };
    const ctx = await createContext(deps, info, {
      set(name, value, options) {
        collector.set(name, value, options);
        onSetCookie?.(collector.headers.at(-1)!);
      },
    });
    return createCaller(ctx);
  }

  return {
    database,
    deps,
    jobs,
    async close() {
      await jobs.release();
      await database.drop();
    },
    async browser(options = {}) {
      const cookies = new Map<string, string>();
      const setCookies: string[] = [];
      const client: BrowserClient = {
        cookies,
        setCookies,
        caller: () =>
          call(
            {
              ip: options.ip ?? "203.0.113.20",
              source: "web",
              cookieHeader: [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; "),
            },
            (header) => {
              setCookies.push(header);
              const [pair] = header.split(";");
              const parsed = parseCookieHeader(pair);
              for (const [k, v] of Object.entries(parsed)) {
                if (/Max-Age=0/.test(header)) cookies.delete(k);
                else cookies.set(k, v);
              }
            },
          ),
      };
      return client;
    },
    api(options = {}) {
      return call({
        ip: options.ip ?? `198.51.100.${Math.floor(Math.random() * 200) + 1}`,
        authorizationHeader: options.accessToken ? `Bearer ${options.accessToken}` : undefined,
      });
    },
  };
}

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

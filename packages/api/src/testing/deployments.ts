import { randomUUID } from "node:crypto";
import { createContext, createCookieCollector } from "../context.js";
import { createEventBus } from "../events.js";
import { createCaller } from "../root.js";
import { createDeploymentInput, type CreateDeploymentRequest } from "../schemas/deployment.js";
import { createDeployment } from "../services/deployments/create.js";
import type { DeploymentDetail } from "../services/deployments/present.js";
import { uniqueEmail, type Harness } from "./harness.js";

// Fixtures for deployment tests: users with API callers, deployments queued
// through the real service, and callers that can be aborted (subscriptions).

/** Deployment tests make many calls per user; the per-minute API limit is not under test. */
export const DEPLOYMENT_TEST_ENV = { ALLOW_LOCAL_REPOS: "true", RATE_LIMIT_API_PER_MINUTE: "100000", RATE_LIMIT_AUTH_PER_MINUTE: "100000" };

export interface TestUser {
  id: string;
  accessToken: string;
  caller: ReturnType<typeof createCaller>;
  /** A caller whose subscriptions stop when `signal` aborts. */
  callerWithSignal(signal: AbortSignal): Promise<ReturnType<typeof createCaller>>;
}

export async function signUp(h: Harness, name = "Dev"): Promise<TestUser> {
  const result = await (await h.api()).auth.signup({ name, email: uniqueEmail(name.toLowerCase()), password: "password123" });
  const accessToken = result.accessToken;
  return {
    id: result.user.id,
    accessToken,
    caller: await h.api({ accessToken }),
    async callerWithSignal(signal) {
      const ctx = await createContext(
        h.deps,
        { ip: "198.51.100.7", requestId: randomUUID(), source: "api", authorizationHeader: `Bearer ${accessToken}` },
        createCookieCollector(),
      );
      return createCaller(ctx, { signal });
    },
  };
}

export const LOCAL_REPO = "file:///srv/repos/site";

/** Queues a deployment through the service, as POST /deployments would. */
export function queueDeployment(h: Harness, userId: string, request: Partial<CreateDeploymentRequest> = {}): Promise<DeploymentDetail> {
  const input = createDeploymentInput.parse({ repository: LOCAL_REPO, buildCommand: "npm run build", outputDir: "dist", ...request });
  return createDeployment(h.deps, userId, input);
}

/** Puts a real LISTEN/NOTIFY bus into the harness's deps; returns it for closing. */
export async function attachEventBus(h: Harness) {
  const bus = await createEventBus(h.database.url);
  h.deps.events = bus;
  return bus;
}

/** Resolves with the items of an async iterable until it ends (or `count` were read). */
export async function collect<T>(iterable: AsyncIterable<T>, count = Infinity): Promise<T[]> {
  const items: T[] = [];
  if (count <= 0) return items;
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= count) break;
  }
  return items;
}

import type { Database } from "@autostack/db";
import type { Logger } from "pino";
import type { Env } from "../env.js";
import type { EventBus } from "../events.js";
import type { ArtifactStore } from "./deployments/artifact-store.js";
import type { JobQueue } from "./jobs.js";

// The process-wide collaborators services work with. It lives here, below the
// tRPC context (context.ts adds the request to it), so a service can name what
// it needs — usually `Pick<Deps, "db" | "env">` — without importing the
// transport layer.

/** What the router needs from the outside world; built once per process. */
export interface Deps {
  db: Database;
  env: Env;
  log: Logger;
  jobs: JobQueue;
  /** LISTEN/NOTIFY fan-out for subscriptions; without it they poll the database. */
  events?: EventBus;
  /** Build output storage; deleting a deployment removes its artifact through it. */
  artifacts?: ArtifactStore;
}

import { EventEmitter } from "node:events";
import type { Database } from "@autostack/db";
import pg from "pg";

// Cross-process events through PostgreSQL LISTEN/NOTIFY. The worker (or any
// process) publishes small notifications; every web process holds one LISTEN
// connection and fans them out to its subscribers in memory. Log lines
// themselves are never in the payload (NOTIFY is capped at 8000 bytes): a
// `deployment.logs` event says up to which sequence number rows exist, and
// subscribers read the rows from deployment_logs.

export const EVENTS_CHANNEL = "autostack_events";

export type DeploymentStatusName = "queued" | "building" | "deploying" | "success" | "failed" | "cancelled";

export type PlatformEvent =
  | { type: "deployment.logs"; deploymentId: string; lastSeq: string }
  | { type: "deployment.status"; deploymentId: string; status: DeploymentStatusName }
  // A logout, password reset or account deletion at `at` (ms since the epoch):
  // web processes close the user's WebSockets authenticated until then. It
  // names no deployment (`deploymentId?: never` keeps deployment listeners,
  // which compare that field, compiling and skipping it).
  | { type: "user.signed-out"; userId: string; at: number; deploymentId?: never };

/** Publishes through any Prisma client or transaction (delivered on commit). */
export async function publishEvent(db: Pick<Database, "$executeRaw">, event: PlatformEvent): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}

export interface EventBus {
  subscribe(listener: (event: PlatformEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per process; reconnects after a connection loss.
 * `onReconnect` listeners learn that events may have been missed, so they can
 * re-read from the database (subscriptions resume from their last sequence).
 */
export async function createEventBus(connectionString: string, log?: { warn(obj: object, msg: string): void }): Promise<EventBus & { onReconnect(listener: () => void): () => void }> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | null = null;
  let closed = false;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString });
    next.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      try {
        emitter.emit("event", JSON.parse(message.payload) as PlatformEvent);
      } catch {
        // A malformed payload from a foreign publisher is ignored.
      }
    });
    next.on("error", (error) => {
      log?.warn({ err: error }, "event bus connection lost; reconnecting");
      void next.end().catch(() => undefined);
      if (!closed) setTimeout(() => void reconnect(), 500);
    });
    await next.connect();
    await next.query(`LISTEN ${EVENTS_CHANNEL}`);
    client = next;
  }

  async function reconnect(): Promise<void> {
    if (closed) return;
    try {
      await connect();
      emitter.emit("reconnect");
    } catch (error) {
      log?.warn({ err: error }, "event bus reconnect failed; retrying");
      setTimeout(() => void reconnect(), 1000);
    }
  }

  await connect();
  return {
    subscribe(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
    onReconnect(listener) {
      emitter.on("reconnect", listener);
      return () => emitter.off("reconnect", listener);
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      await client?.end().catch(() => undefined);
    },
  };
}

import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@autostack/api";

// The browser's live connection: one tRPC WebSocket at /trpc on this origin,
// shared by every subscription of the page (the session cookie goes with the
// upgrade). Created on first use, in the browser only (*.client.ts). Lazy:
// the socket opens with the first subscription and closes 10 s after the
// last one ends. A dropped socket reconnects with backoff and re-sends each
// subscription; for tracked events (log lines) the client adds the id of the
// last event it got, so the stream resumes where it left off.

export type AppClient = TRPCClient<AppRouter>;

let client: AppClient | null = null;

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/trpc`;
}

export function trpcClient(): AppClient {
  if (client) return client;
  const ws = createWSClient({
    url: socketUrl,
    lazy: { enabled: true, closeMs: 10_000 },
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
    retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 10_000),
  });
  client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] });
  return client;
}

import type { WebSocket } from "ws";
import type { Deps, PlatformEvent } from "@autostack/api";

// Every signed-in WebSocket of this process (the tRPC socket and the raw log
// stream), by user: so a logout, password reset or account deletion heard on
// the event bus closes them (they make no further request that could be
// refused), so one user cannot hold more than MAX_SOCKETS_PER_USER of them,
// and so a client that stops reading cannot make the server buffer its
// messages without bound.

export const MAX_SOCKETS_PER_USER = 20;
/** A socket's unsent bytes past which its client counts as not reading. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The session behind the socket ended: the client re-authenticates, if it still can, and reconnects. */
export const CLOSE_SIGNED_OUT = 4001;
/** Too many sockets of this user, or a client that does not read: try again later (resuming from lastEventId). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

// A client that does not read never receives the close frame (it waits behind
// the unsent data), so the connection is cut off after this.
const CLOSE_GRACE_MS = 1_000;
// A socket authenticated before a sign-out may be admitted after the event
// arrived (its handshake was still reading the database): remember recent
// sign-outs for longer than any handshake takes.
const SIGN_OUT_MEMORY_MS = 60_000;

export interface UserSockets {
  /** Whether the user may open one more socket now (checked before the upgrade completes). */
  hasRoom(userId: string): boolean;
  /**
   * Tracks a socket of the user, authenticated at `authenticatedAt` (ms, taken
   * before its credentials were read). False when it was closed instead: the
   * user has too many sockets, or signed out since then.
   */
  admit(userId: string, ws: WebSocket, authenticatedAt: number): boolean;
}

/** Closes with a code the client can act on; cuts the connection off if the closing handshake does not finish. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.CLOSED) return;
  if (ws.readyState !== ws.CLOSING) ws.close(code, reason);
  const cutOff = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
  cutOff.unref();
  ws.once("close", () => clearTimeout(cutOff));
}

/**
 * Every message goes through `send`: past MAX_BUFFERED_BYTES unsent, the
 * socket is closed with 1013 and nothing more is queued (tRPC's adapter sends
 * by itself, so the check sits on the socket, not in each sender).
 */
function boundSendQueue(ws: WebSocket): void {
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  ws.send = ((...args: unknown[]) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      closeSocket(ws, CLOSE_TRY_AGAIN_LATER, "client is not reading; reconnect with lastEventId");
      return;
    }
    send(...args);
  }) as WebSocket["send"];
}

const registries = new WeakMap<Deps, UserSockets>();

/** The one registry of this process's deps (trpc.ts and deployment-log-stream.ts share it). */
export function userSocketsFor(deps: Deps): UserSockets {
  let registry = registries.get(deps);
  if (!registry) {
    registry = createUserSockets(deps);
    registries.set(deps, registry);
  }
  return registry;
}

function createUserSockets(deps: Deps): UserSockets {
  const sockets = new Map<string, Map<WebSocket, number>>();
  const signedOutAt = new Map<string, number>();
  let listening = false;

  const onEvent = (event: PlatformEvent) => {
    if (event.type !== "user.signed-out" || typeof event.userId !== "string" || typeof event.at !== "number") return;
    const { userId, at } = event;
    if (at > (signedOutAt.get(userId) ?? -Infinity)) {
      signedOutAt.set(userId, at);
      setTimeout(() => {
        if (signedOutAt.get(userId) === at) signedOutAt.delete(userId);
      }, SIGN_OUT_MEMORY_MS).unref();
    }
    // Equal instants count as before: closing one socket too many only makes it reconnect.
    for (const [ws, authenticatedAt] of sockets.get(userId) ?? []) {
      if (authenticatedAt <= at) closeSocket(ws, CLOSE_SIGNED_OUT, "session ended");
    }
  };

  return {
    hasRoom(userId) {
      return (sockets.get(userId)?.size ?? 0) < MAX_SOCKETS_PER_USER;
    },
    admit(userId, ws, authenticatedAt) {
      // The bus is attached to deps by the process that owns it, possibly
      // after the server app was built: the first socket starts listening.
      if (!listening && deps.events) {
        deps.events.subscribe(onEvent);
        listening = true;
      }
      // Gone while it authenticated: its "close" event has already been.
      if (ws.readyState !== ws.OPEN) return false;
      if (authenticatedAt <= (signedOutAt.get(userId) ?? -Infinity)) {
        closeSocket(ws, CLOSE_SIGNED_OUT, "session ended");
        return false;
      }
      let mine = sockets.get(userId);
      if ((mine?.size ?? 0) >= MAX_SOCKETS_PER_USER) {
        closeSocket(ws, CLOSE_TRY_AGAIN_LATER, `at most ${MAX_SOCKETS_PER_USER} connections per user`);
        return false;
      }
      if (!mine) {
        mine = new Map();
        sockets.set(userId, mine);
      }
      mine.set(ws, authenticatedAt);
      boundSendQueue(ws);
      ws.once("close", () => {
        mine.delete(ws);
        if (mine.size === 0 && sockets.get(userId) === mine) sockets.delete(userId);
      });
      return true;
    },
  };
}

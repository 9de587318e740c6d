import type http from "node:http";
import type { Socket } from "node:net";
import { readSimpleRequest, type SimpleRequest } from "./request-head.js";
import type { ResponseTemplate } from "./response-template.js";

// The fast lane for deployed sites. Node's HTTP server spends more CPU on a
// request (parser callbacks, IncomingMessage/ServerResponse, header objects)
// than serving a site file from memory does, about half of nginx's
// requests/s on its own on a 2-core machine. So every new connection is
// looked at first: while its requests are simple (request-head.ts) and for a
// site file already in memory (sites.ts answerRaw), they are answered here,
// straight onto the socket. At the first request that is anything else — a
// platform host, a cache miss, a body, a partial head — the connection, with
// every byte not yet answered put back, goes to Node's own connection
// handler for the rest of its life, exactly as if it had never been here.
// The lane is an optimisation only: it answers nothing Node's path would
// answer differently (sites.test.ts runs both).

/** How an answerer writes a response of the lane; the lane adds `Date`, the connection headers and the blank line. */
export interface RawResponder {
  /** Writes the head's status line and header lines (each ending in CRLF), then the body. */
  send(head: string, body: Buffer | undefined): void;
  /** Writes a prebuilt response with this request id; false (nothing written) when it cannot: then `send`. */
  sendTemplate(template: ResponseTemplate, requestId: string): boolean;
}

export interface RawSiteAnswerer {
  /** Answers the request through `respond` and returns true, or returns false and does nothing. */
  answerRaw(request: SimpleRequest, remoteAddress: string | undefined, respond: RawResponder): boolean;
}

export interface SiteLane {
  /** Ends the lane's connections gracefully (each has answered everything it read). */
  closeIdle(): void;
  /** Destroys the lane's connections. */
  closeAll(): void;
  /** Connections in the lane now. */
  readonly connections: number;
  /** Requests the lane has answered, and connections it has handed to Node, since it started. */
  readonly answered: number;
  readonly handedOver: number;
}

const HEAD_END = Buffer.from("\r\n\r\n");

/**
 * The end of every head the lane writes: `Date` (worked out once a second,
 * as Node's own server does), the keep-alive headers and the blank line.
 */
function createHeadEnd(server: http.Server): () => string {
  let value = "";
  let expires = 0;
  return () => {
    const now = Date.now();
    if (now >= expires) {
      const keepAlive = Math.floor(server.keepAliveTimeout / 1000);
      value = `Date: ${new Date(now).toUTCString()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=${keepAlive}\r\n\r\n`;
      expires = now - (now % 1000) + 1000;
    }
    return value;
  };
}

/**
 * Puts the lane in front of `server`'s own connection handler. Call once,
 * before the server accepts connections.
 */
export function installSiteLane(server: http.Server, sites: RawSiteAnswerer): SiteLane {
  const handlers = server.listeners("connection");
  if (handlers.length !== 1) throw new Error(`expected Node's own connection handler alone on the HTTP server, found ${handlers.length}`);
  const nodeConnection = handlers[0] as (this: http.Server, socket: Socket) => void;
  server.removeListener("connection", nodeConnection);
  /** The lane's connections, with when each last received data. */
  const sockets = new Map<Socket, { lastData: number }>();
  let answered = 0;
  let handedOver = 0;
  const headEnd = createHeadEnd(server);

  // The idle limit of a keep-alive connection, as Node's server keeps it, checked
  // by one sweep instead of a timer per socket (socket.setTimeout re-arms on every
  // read and write: a microsecond per request). A connection still sending a
  // response is not idle.
  let sweeper: NodeJS.Timeout | undefined;
  const sweepEvery = () => Math.max(250, Math.min(5000, server.keepAliveTimeout / 4));
  const sweep = (): void => {
    const idleSince = Date.now() - server.keepAliveTimeout;
    for (const [socket, state] of sockets) if (state.lastData < idleSince && socket.writableLength === 0) socket.destroy();
    sweeper = sockets.size > 0 ? setTimeout(sweep, sweepEvery()).unref() : undefined;
  };

  server.on("connection", (socket: Socket) => {
    const state = { lastData: Date.now() };
    sockets.set(socket, state);
    sweeper ??= setTimeout(sweep, sweepEvery()).unref();
    const resume = (): void => {
      socket.resume();
    };
    // A client that pipelines without reading: stop reading until it catches up.
    const throttle = (): void => {
      if (socket.writableNeedDrain && !socket.isPaused()) {
        socket.pause();
        socket.once("drain", resume);
      }
    };
    const respond: RawResponder = {
      send(head, body) {
        socket.cork();
        socket.write(head + headEnd(), "latin1");
        if (body) socket.write(body);
        socket.uncork();
        throttle();
      },
      sendTemplate(template, requestId) {
        if (!template.write(socket, requestId, headEnd())) return false;
        throttle();
        return true;
      },
    };

    const onData = (chunk: Buffer): void => {
      state.lastData = Date.now();
      let offset = 0;
      for (;;) {
        const end = chunk.indexOf(HEAD_END, offset);
        if (end === -1) break;
        const request = readSimpleRequest(chunk, offset, end);
        if (request === null || !sites.answerRaw(request, socket.remoteAddress, respond)) break;
        answered++;
        offset = end + HEAD_END.length;
      }
      if (offset < chunk.length) handOver(offset === 0 ? chunk : chunk.subarray(offset));
    };
    // Everything read has been answered, so a client that is done writing gets our end too.
    const onEnd = (): void => {
      socket.end();
    };
    const onError = (): void => {
      socket.destroy();
    };
    const onClose = (): void => {
      sockets.delete(socket);
    };

    function handOver(unanswered: Buffer): void {
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      socket.removeListener("error", onError);
      socket.removeListener("close", onClose);
      socket.removeListener("drain", resume);
      sockets.delete(socket);
      handedOver++;
      // Paused, the bytes put back are the first Node's parser reads once the socket flows again.
      socket.pause();
      socket.unshift(unanswered);
      nodeConnection.call(server, socket);
      socket.resume();
    }

    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onError);
    socket.on("close", onClose);
  });

  return {
    closeIdle: () => {
      for (const socket of sockets.keys()) socket.end();
    },
    closeAll: () => {
      for (const socket of sockets.keys()) socket.destroy();
    },
    get connections() {
      return sockets.size;
    },
    get answered() {
      return answered;
    },
    get handedOver() {
      return handedOver;
    },
  };
}

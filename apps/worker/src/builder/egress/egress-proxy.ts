import { chmod } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { decide, type EgressPolicy } from "./egress-policy.js";

// The host side of a build's network (BUILD_NETWORK=public, ADR 0015): an
// HTTP proxy on a Unix socket that only this build's sandbox can reach. It
// tunnels CONNECT (https, git) and forwards plain absolute-form requests
// (http registries), each to the one address egress-policy.ts checked.
// Refusals answer 403 with the reason, so npm or git print something that
// says why; the build log gets a line too (onBlocked).

/** Open tunnels and requests at once per build: npm opens ~16, pnpm up to 64. */
const MAX_CONNECTIONS = 256;
const CONNECT_TIMEOUT_MS = 15_000;
/** A tunnel with no traffic either way for this long is closed. */
const IDLE_TIMEOUT_MS = 5 * 60_000;
/** Request headers that belong to the hop between the client and us, not to the origin server. */
const HOP_HEADERS = ["proxy-connection", "proxy-authorization", "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"];

export interface EgressProxyOptions {
  socketPath: string;
  policy: EgressPolicy;
  /** A connection was refused: `target` is host:port as the build asked for it. */
  onBlocked(target: string, reason: string): void;
}

export interface EgressProxy {
  close(): Promise<void>;
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 10_000 });
  server.maxConnections = MAX_CONNECTIONS;
  server.on("connection", track);
  server.on("connect", (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    client.on("error", () => client.destroy());
    tunnel(options, req.url ?? "", client, head, track).catch(() => client.destroy());
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    forward(options, req, res, track).catch(() => res.destroy());
  });
  server.on("clientError", (_error, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // The sandbox's user (uid 1000) connects; the directory above decides who else can.
  await chmod(options.socketPath, 0o666);
  return {
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** host:port of a CONNECT request line, IPv6 in brackets; null when it is anything else. */
export function parseAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s/?#@[\]:]+):(\d{1,5})$/.exec(authority);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1]!, port };
}

function refuse(client: Duplex, status: number, reason: string): void {
  const text = status === 403 ? "Forbidden" : status === 400 ? "Bad Request" : "Bad Gateway";
  const body = `Autostack build network: ${reason}\n`;
  client.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

async function tunnel(options: EgressProxyOptions, authority: string, client: Duplex, head: Buffer, track: (socket: Duplex) => void): Promise<void> {
  const target = parseAuthority(authority);
  if (!target) return refuse(client, 400, `not a host:port to connect to: ${JSON.stringify(authority.slice(0, 200))}`);
  const decision = await decide(options.policy, target.host);
  if (!decision.allowed) {
    if (decision.status === 403) options.onBlocked(authority, decision.reason);
    return refuse(client, decision.status, decision.reason);
  }
  const upstream = net.connect({ host: decision.address, port: target.port, timeout: CONNECT_TIMEOUT_MS });
  track(upstream);
  const fail = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.once("timeout", () => (upstream.connecting ? refuse(client, 502, `${authority} did not answer`) : fail()));
  upstream.once("error", (error) => (client.writable && upstream.connecting ? refuse(client, 502, `${authority}: ${error.message}`) : fail()));
  upstream.once("connect", () => {
    upstream.setTimeout(IDLE_TIMEOUT_MS);
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  client.once("close", () => upstream.destroy());
  upstream.once("close", () => client.destroy());
}

async function forward(options: EgressProxyOptions, req: http.IncomingMessage, res: http.ServerResponse, track: (socket: Duplex) => void): Promise<void> {
  let url: URL | null = null;
  try {
    url = new URL(req.url ?? "");
  } catch {
    url = null;
  }
  if (!url || url.protocol !== "http:") {
    res.writeHead(400, { "content-type": "text/plain" }).end("Autostack build network: only absolute http:// URLs are forwarded; https goes through CONNECT\n");
    return;
  }
  const port = Number(url.port || 80);
  const decision = await decide(options.policy, url.hostname);
  if (!decision.allowed) {
    if (decision.status === 403) options.onBlocked(`${url.hostname}:${port}`, decision.reason);
    res.writeHead(decision.status, { "content-type": "text/plain" }).end(`Autostack build network: ${decision.reason}\n`);
    return;
  }
  const headers = withoutHopHeaders(req.headers);
  const upstream = http.request({
    host: decision.address,
    port,
    method: req.method,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host },
    setHost: false,
    timeout: CONNECT_TIMEOUT_MS,
  });
  upstream.on("socket", track);
  upstream.once("timeout", () => upstream.destroy(new Error("no answer")));
  upstream.once("error", (error) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`Autostack build network: ${url.host}: ${error.message}\n`);
    else res.destroy();
  });
  upstream.once("response", (answer) => {
    res.writeHead(answer.statusCode ?? 502, withoutHopHeaders(answer.headers));
    answer.pipe(res);
  });
  req.pipe(upstream);
}

function withoutHopHeaders(headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_HEADERS) delete copy[name];
  return copy;
}

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { installSiteLane, type SiteLane } from "../../server/site-lane.js";
import { connectRaw, type RawConnection, type RawResponse } from "./fixtures/raw-http.js";
import { siteGet, startSiteTestServer, type SiteTestServer } from "./fixtures/sites.js";

// The site fast lane (server/site-lane.ts): simple requests for site files in
// memory are answered below Node's HTTP layer, everything else is handed to
// Node with every unanswered byte. It must be invisible: same answers, same
// log lines, same protocol behaviour, nothing lost on hand-over.

let sites: SiteTestServer;
let lane: SiteLane;
const HOST = "lane-7a7a7a.localhost";
const page = `<!doctype html><title>Lane</title>${"<p>fast</p>".repeat(400)}`;
/** Half a megabyte: a few of these fill the kernel's socket buffers of a client that does not read. */
const large = `<!doctype html><title>Large</title>${"<p>0123456789abcdef</p>".repeat(20_000)}`;
const open: RawConnection[] = [];

const request = (path: string, headers: string[] = [], method = "GET") => `${method} ${path} HTTP/1.1\r\nHost: ${HOST}\r\n${headers.map((h) => `${h}\r\n`).join("")}\r\n`;

async function connect(): Promise<RawConnection> {
  const connection = await connectRaw(sites.port);
  open.push(connection);
  return connection;
}

/** Headers that differ between any two responses, whoever answers. */
const PER_RESPONSE = new Set(["date", "x-request-id"]);
const stable = (response: RawResponse) => Object.fromEntries(Object.entries(response.headers).filter(([name]) => !PER_RESPONSE.has(name)));

beforeAll(async () => {
  sites = await startSiteTestServer();
  lane = sites.server.http.lane!;
  await sites.deploy("lane-7a7a7a", "lane-7a7a7a-00000001", { "index.html": page, "about.html": "<h1>About</h1>", "large.html": large });
  // Warm the lookup and file caches through Node's path (a fresh connection's first request is a miss).
  for (const path of ["/", "/about", "/large"]) expect((await siteGet(sites.port, HOST, path)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  for (const connection of open) connection.destroy();
  await sites?.close();
});

describe("site fast lane", () => {
  it("answers simple requests for files in memory itself, with Node's status, headers and bytes", async () => {
    // The reference: Node's path (a Content-Length header, even 0, is not for the lane).
    const viaNode = await connect();
    const before = lane.answered;
    viaNode.write(request("/", ["Content-Length: 0"]));
    const reference = await viaNode.next();
    expect(lane.answered).toBe(before);

    const connection = await connect();
    connection.write(request("/"));
    const first = await connection.next();
    connection.write(request("/", ["X-Request-Id: lane-check-1"]));
    const second = await connection.next();
    connection.write(request("/"));
    const third = await connection.next();
    expect(lane.answered).toBe(before + 3);

    for (const response of [first, second, third]) {
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe(page);
      expect(stable(response)).toEqual(stable(reference));
      expect(response.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
    expect(first.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    // The same prebuilt response, patched with each request's own id.
    expect(third.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(third.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    expect(second.headers["x-request-id"]).toBe("lane-check-1");
    expect(first.headers.connection).toBe("keep-alive");
  });

  it("answers HEAD and a matching If-None-Match like Node does", async () => {
    const connection = await connect();
    connection.write(request("/about"));
    const full = await connection.next();
    connection.write(request("/about", [], "HEAD"));
    const head = await connection.next("HEAD");
    connection.write(request("/about", [`If-None-Match: ${full.headers.etag}`]));
    const notModified = await connection.next();
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(String("<h1>About</h1>".length));
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe(full.headers.etag);
    expect(notModified.headers["content-length"]).toBeUndefined();
    // Nothing was left over on the connection: the next answer is whole.
    connection.write(request("/about"));
    expect((await connection.next()).body.toString()).toBe("<h1>About</h1>");
  });

  it("hands a connection to Node at the first request it does not answer, with every byte after it", async () => {
    const connection = await connect();
    const [answered, handedOver] = [lane.answered, lane.handedOver];
    // Three pipelined requests in one write: the lane's, a POST with a body (Node: 405), and one after it.
    connection.write(request("/") + `POST / HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 3\r\n\r\nx=1` + request("/about"));
    expect((await connection.next()).body.toString()).toBe(page);
    const post = await connection.next();
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    expect((await connection.next()).body.toString()).toBe("<h1>About</h1>");
    expect(lane.answered).toBe(answered + 1);
    expect(lane.handedOver).toBe(handedOver + 1);
  });

  it("leaves a head that arrives in pieces to Node, which completes it", async () => {
    const connection = await connect();
    const whole = request("/about");
    connection.write(whole.slice(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    connection.write(whole.slice(20));
    const response = await connection.next();
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("<h1>About</h1>");
  });

  it("never answers a request whose framing or headers are unusual: Node's parser decides", async () => {
    const unusual: [bytes: string, nodeAnswers: number][] = [
      // Node keeps the first of two Host headers; the lane leaves that to Node.
      [`GET / HTTP/1.1\r\nHost: ${HOST}\r\nHost: other.localhost\r\n\r\n`, 200],
      [`GET / HTTP/1.1\r\nHost: ${HOST}\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`, 400],
      [`GET / HTTP/1.1\r\nHost: ${HOST}\nX-Bare: lf\r\n\r\n`, 400],
      [`GET /\t HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, 400],
      [`GET / HTTP/1.1\r\nHost : ${HOST}\r\n\r\n`, 400],
    ];
    for (const [bytes, status] of unusual) {
      const connection = await connect();
      const answered = lane.answered;
      connection.write(bytes);
      const response = await connection.next();
      expect(response.status, JSON.stringify(bytes)).toBe(status);
      expect(lane.answered, JSON.stringify(bytes)).toBe(answered);
    }
  });

  it("keeps answering a client that pipelines faster than it reads, without losing or mixing responses", async () => {
    const connection = await connect();
    const count = 40; // 20 × 0.5 MB: far more than the socket buffers hold, so writes queue and the lane waits for drain
    const expected = (i: number) => (i % 2 ? large : "<h1>About</h1>");
    connection.pause();
    connection.write(Array.from({ length: count }, (_, i) => request(i % 2 ? "/large" : "/about")).join(""));
    await new Promise((r) => setTimeout(r, 300));
    connection.resume();
    const ids = new Set<string>();
    for (let i = 0; i < count; i++) {
      const response = await connection.next();
      expect(response.status).toBe(200);
      expect(response.body.toString() === expected(i), `response ${i}`).toBe(true);
      ids.add(response.headers["x-request-id"]!);
    }
    // Responses still queued when the next one was written kept their own ids: nothing was patched in flight.
    expect(ids.size).toBe(count);
  });

  it("leaves the platform's own hosts and WebSocket upgrades to Node", async () => {
    const connection = await connectRaw(sites.port);
    open.push(connection);
    const answered = lane.answered;
    connection.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${sites.port}\r\n\r\n`);
    const health = await connection.next();
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: "ok" });
    expect(lane.answered).toBe(answered);

    const socket = new WebSocket(`ws://127.0.0.1:${sites.port}/trpc`);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    socket.close();
  });

  it("writes the usual request log line for what it answers", async () => {
    const connection = await connect();
    connection.write(request("/about?utm=x", ["X-Request-Id: lane-log-1", "X-Forwarded-For: 203.0.113.9"]));
    expect((await connection.next()).status).toBe(200);
    const deadline = Date.now() + 2000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < deadline) {
      line = sites.server.logs.find((entry) => entry.requestId === "lane-log-1");
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    expect(line).toMatchObject({ level: 30, msg: "request", method: "GET", path: "/about", status: 200, ip: "203.0.113.9" });
    expect(typeof line!.time).toBe("number");
    expect(typeof line!.durationMs).toBe("number");
  });

  it("ends its idle connections when the server shuts down", async () => {
    const connection = await connect();
    connection.write(request("/about"));
    await connection.next();
    expect(lane.connections).toBeGreaterThan(0);
    sites.server.http.closeIdleConnections();
    await connection.closed;
    const deadline = Date.now() + 2000;
    while (lane.connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(lane.connections).toBe(0);
  });
});

describe("site fast lane: idle connections", () => {
  it("closes a keep-alive connection idle past keepAliveTimeout, and keeps a busy one", async () => {
    const server = http.createServer();
    server.keepAliveTimeout = 1000;
    const idleLane = installSiteLane(server, {
      answerRaw: (_request, _address, out) => {
        out.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", Buffer.from("ok"));
        return true;
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const ask = `GET / HTTP/1.1\r\nHost: anything.localhost\r\n\r\n`;
    try {
      const idle = await connectRaw(port);
      const busy = await connectRaw(port);
      open.push(idle, busy);
      idle.write(ask);
      expect((await idle.next()).body.toString()).toBe("ok");
      let idleClosedAt = 0;
      void idle.closed.then(() => (idleClosedAt = Date.now()));
      const started = Date.now();
      // The busy one asks every 300 ms for 2.2 s: never idle for a whole second.
      while (Date.now() - started < 2200) {
        busy.write(ask);
        expect((await busy.next()).body.toString()).toBe("ok");
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(idleClosedAt).toBeGreaterThan(0);
      expect(idleClosedAt - started).toBeGreaterThanOrEqual(900);
      busy.write(ask);
      expect((await busy.next()).body.toString()).toBe("ok");
      expect(idleLane.connections).toBe(1);
    } finally {
      idleLane.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});


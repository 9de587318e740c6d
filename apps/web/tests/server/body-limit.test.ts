import http from "node:http";
import type { RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.js";

// Request bodies are limited by counting bytes as they arrive, chunked ones
// included, for every route: REST, tRPC and Remix actions (here a handler
// that reads its body the way Remix's adapter does). 40 MB sent without a
// Content-Length get a 413 envelope, never reach a reader whole or truncated,
// and cost the server no memory.

const MiB = 1024 * 1024;

/** Streams `bytes` with chunked transfer encoding until the server answers or closes; returns its answer. */
function sendChunked(url: string, path: string, bytes: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const request = http.request(`${url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", Origin: url, ...headers } });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "x");
    const pump = () => {
      while (sent < bytes && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!request.destroyed) request.end();
    };
    pump();
  });
}

describe("request body limit", () => {
  let server: TestServer;
  const seen = { ended: 0, bytes: 0 };

  beforeAll(async () => {
    // What Remix's express adapter does with a form post: read the request stream to its end.
    const remixLike: RequestHandler = (req, res) => {
      let length = 0;
      req.on("data", (chunk: Buffer) => {
        length += chunk.length;
        seen.bytes = Math.max(seen.bytes, length);
      });
      req.on("end", () => {
        seen.ended += 1;
        res.status(200).send(`read ${length} bytes`);
      });
    };
    server = await startTestServer({ remix: async () => ({ handler: remixLike, close: async () => undefined }) });
  });
  afterAll(() => server?.close());

  it("answers a 40 MB chunked body with 413 on every route, and never hands a reader the whole or a truncated body", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (const path of ["/api/auth/forgot-password", "/trpc/auth.login", "/settings"]) {
      const ended = seen.ended;
      const answer = await sendChunked(server.url, path, 40 * MiB).catch((error: unknown) => ({ status: -1, body: String(error) }));
      expect(answer.status, `${path}: ${answer.body}`).toBe(413);
      // tRPC's clients get its own error shape, which carries the same code.
      if (path.startsWith("/trpc")) expect(answer.body).toContain('"PAYLOAD_TOO_LARGE"');
      else expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", statusCode: 413 } });
      expect(seen.ended).toBe(ended);
    }
    expect(seen.bytes).toBeLessThanOrEqual(MiB);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * MiB);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("passes a chunked body under the limit through whole", async () => {
    const answer = await sendChunked(server.url, "/settings", 512 * 1024);
    expect(answer).toMatchObject({ status: 200, body: `read ${512 * 1024} bytes` });
  });
});

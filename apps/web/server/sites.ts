import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Database } from "@autostack/db";
import type { Env, Logger } from "@autostack/api";
import {
  contentTypeFor,
  createSiteFileCache,
  createSiteHostMatcher,
  createSiteResolver,
  isHashedAsset,
  type ArtifactStorage,
  type SiteFile,
  type SiteFileCacheOptions,
  type SiteTarget,
} from "@autostack/api/services";
import { sendError } from "./http-errors.js";
import { acceptedEncodings, candidates, requestPath, sitePath } from "./site-paths.js";
import { createAccessLog } from "./request-log.js";
import type { SimpleRequest } from "./request-head.js";
import { clientAddress, clientIp, requestIdFrom } from "./request-state.js";
import { ResponseTemplate } from "./response-template.js";
import type { RawResponder, RawSiteAnswerer } from "./site-lane.js";

// Deployed sites, addressed by host: <slug>.<APP_DOMAIN> (or under CDN_URL's
// host). The HTTP server hands these requests here before Express
// (http-server.ts), so user content never gets the app's cookies, CSP or
// routes, and a static file costs little more than Node's own HTTP handling.
// Every response carries X-Request-Id and nosniff, and each request gets the
// usual "request" log line (request-log.ts createAccessLog). Requests for a
// file in memory can also be answered below Node's HTTP layer, by the fast
// lane (site-lane.ts, through `answerRaw`), with the same bytes and headers.
//
// Files come from the artifact store with their precompressed variants.
// Lookups of slug → artifact are cached for two seconds (so a new production
// deployment shows within two seconds); the files themselves are kept in
// memory (artifacts are immutable), small ones as buffers, with their
// response headers worked out once; a request for a file in memory is
// answered synchronously, in one writeHead + end.

const NOT_FOUND_PAGE = "<!doctype html><title>Not found</title><p>No deployment here.</p>";
/** Response headers as writeHead takes them fastest: a flat [name, value, …] list. */
type HeaderList = readonly string[];

const REQUEST_ID = "X-Request-Id";
const NOSNIFF = ["X-Content-Type-Options", "nosniff"] as const;

/** writeHead with the request's id added to a shared header list (a copy: the list is reused). */
function writeHead(res: ServerResponse, status: number, headers: HeaderList, requestId: string): void {
  const list = headers.slice();
  list.push(REQUEST_ID, requestId);
  res.writeHead(status, list);
}

function sendText(res: ServerResponse, status: number, type: "plain" | "html", body: string, requestId: string, extra: HeaderList = []): void {
  writeHead(res, status, [...extra, ...NOSNIFF, "Content-Type", `text/${type}; charset=utf-8`, "Content-Length", String(Buffer.byteLength(body))], requestId);
  res.end(body);
}

export interface SiteServingOptions {
  env: Env;
  db: Database;
  storage: ArtifactStorage;
  /** The HTTP logger: a "request" line per site request, and unexpected failures. */
  log: Logger;
  /** How long a slug → deployment lookup is reused (default 2 s): the bound on how late a production switch shows. */
  resolveTtlMs?: number;
  /** Memory for site files (default 64 MiB, files up to 1 MiB). */
  fileCache?: SiteFileCacheOptions;
}

export interface SiteServer extends RawSiteAnswerer {
  /**
   * Serves the request when its host is a site host and returns true;
   * returns false (and does nothing) otherwise. Works on plain Node
   * requests: the HTTP server calls it before Express.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/** A file's response headers, worked out once per file in memory and status. */
interface Prepared {
  /** The quoted ETag, as If-None-Match carries it. */
  etag: string;
  headers: HeaderList;
  /** The 304 answer's: the same minus Content-Length and Content-Encoding. */
  notModified: HeaderList;
  /** The fast lane's status line and header lines of the 200 and 304 answers (made on first use). */
  raw?: { ok: string; notModified: string };
  /** The fast lane's whole 200 answer to GET, as one buffer (made on first use; files in memory only). */
  template?: ResponseTemplate;
}

/** A file in memory for a request, with the candidate path it was found under. */
interface MemoryHit {
  found: SiteFile & { buffer: Buffer };
  file: string;
}

function rawHead(statusLine: string, headers: HeaderList): string {
  let head = `HTTP/1.1 ${statusLine}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return head;
}

export function createSiteServer(options: SiteServingOptions): SiteServer {
  const { env, log } = options;
  const siteSlug = createSiteHostMatcher(env);
  const resolve = createSiteResolver(options.db, options.resolveTtlMs);
  const files = createSiteFileCache(options.storage, options.fileCache);
  const accessLog = createAccessLog(log);
  const prepared = { 200: new WeakMap<SiteFile, Prepared>(), 404: new WeakMap<SiteFile, Prepared>() };

  function prepare(found: SiteFile, file: string, status: 200 | 404): Prepared {
    const cache = found.buffer ? prepared[status] : undefined;
    let headers = cache?.get(found);
    if (headers) return headers;
    const etag = `"${found.etag}"`;
    const common = [
      ...NOSNIFF,
      "Content-Type",
      contentTypeFor(file),
      "ETag",
      etag,
      "Vary",
      "Accept-Encoding",
      "Cache-Control",
      isHashedAsset(file) ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate",
    ];
    headers = {
      etag,
      headers: [...common, ...(found.encoding ? ["Content-Encoding", found.encoding] : []), "Content-Length", String(found.size)],
      notModified: common,
    };
    cache?.set(found, headers);
    return headers;
  }

  /** Writes the response; returns its status. */
  function respond(req: IncomingMessage, res: ServerResponse, found: SiteFile, file: string, status: 200 | 404, requestId: string): number {
    const { etag, headers, notModified } = prepare(found, file, status);
    if (status === 200 && req.headers["if-none-match"] === etag) {
      found.stream?.destroy();
      writeHead(res, 304, notModified, requestId);
      res.end();
      return 304;
    }
    writeHead(res, status, headers, requestId);
    if (req.method === "HEAD") {
      found.stream?.destroy();
      res.end();
    } else if (found.buffer) {
      res.end(found.buffer);
    } else {
      found.stream.on("error", () => res.destroy());
      found.stream.pipe(res);
    }
    return status;
  }

  /**
   * The hot path's lookup, without a promise: the slug's deployment and the
   * file are both in memory already. Undefined when anything needs a lookup
   * (then `serve` does the whole request).
   */
  function findInMemory(slug: string, url: string, acceptEncoding: string | string[] | undefined): MemoryHit | undefined {
    const target = resolve.peek(slug);
    if (!target) return undefined;
    const filePath = sitePath(requestPath(url));
    if (filePath === null) return undefined;
    const accept = acceptedEncodings(acceptEncoding);
    for (const file of candidates(filePath)) {
      const found = files.peek(target.artifactKey, file, accept);
      // A known miss: try the next candidate; not read yet: the async path reads it.
      if (found === null) continue;
      return found?.buffer ? { found: found as MemoryHit["found"], file } : undefined;
    }
    return undefined;
  }

  /** Answers from memory through Node's response object; returns the status sent, or 0 (see findInMemory). */
  function serveFromMemory(req: IncomingMessage, res: ServerResponse, slug: string, requestId: string): number {
    const hit = findInMemory(slug, req.url ?? "/", req.headers["accept-encoding"]);
    return hit ? respond(req, res, hit.found, hit.file, 200, requestId) : 0;
  }

  /** The fast lane's way in (site-lane.ts): the same answer as `serveFromMemory`, as raw bytes. */
  function answerRaw(request: SimpleRequest, remoteAddress: string | undefined, out: RawResponder): boolean {
    const slug = siteSlug(request.host);
    if (slug === null) return false;
    const startedAt = performance.now();
    const hit = findInMemory(slug, request.target, request.acceptEncoding);
    if (!hit) return false;
    const prepared = prepare(hit.found, hit.file, 200);
    prepared.raw ??= { ok: rawHead("200 OK", prepared.headers), notModified: rawHead("304 Not Modified", prepared.notModified) };
    const requestId = requestIdFrom(request.requestId);
    const notModified = request.ifNoneMatch === prepared.etag;
    const whole = !notModified && request.method === "GET";
    const template = whole ? (prepared.template ??= new ResponseTemplate(`${prepared.raw.ok}${REQUEST_ID}: `, hit.found.buffer)) : undefined;
    if (!template || !out.sendTemplate(template, requestId)) {
      out.send(`${notModified ? prepared.raw.notModified : prepared.raw.ok}${REQUEST_ID}: ${requestId}\r\n`, whole ? hit.found.buffer : undefined);
    }
    const ip = clientAddress(request.forwardedFor, remoteAddress, env);
    accessLog.write(request.method, request.target, notModified ? 304 : 200, startedAt, requestId, ip, false);
    return true;
  }

  async function send(req: IncomingMessage, res: ServerResponse, target: SiteTarget, file: string, status: 200 | 404, requestId: string): Promise<boolean> {
    const found = await files.read(target.artifactKey, file, acceptedEncodings(req.headers["accept-encoding"]));
    if (!found) return false;
    respond(req, res, found, file, status, requestId);
    return true;
  }

  async function serve(req: IncomingMessage, res: ServerResponse, slug: string, requestId: string): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "plain", "Method not allowed", requestId, ["Allow", "GET, HEAD"]);
      return;
    }
    const filePath = sitePath(requestPath(req.url ?? "/"));
    if (filePath === null) {
      sendText(res, 400, "plain", "Bad request", requestId);
      return;
    }
    const target = await resolve(slug);
    if (!target) {
      sendText(res, 404, "html", NOT_FOUND_PAGE, requestId);
      return;
    }
    for (const candidate of candidates(filePath)) {
      if (await send(req, res, target, candidate, 200, requestId)) return;
    }
    // Client-side routes of a single-page app: paths without an extension.
    if (target.spaFallback && !/\.[a-z0-9]+$/i.test(filePath) && (await send(req, res, target, "index.html", 200, requestId))) return;
    if (await send(req, res, target, "404.html", 404, requestId)) return;
    sendText(res, 404, "html", NOT_FOUND_PAGE, requestId);
  }

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const slug = siteSlug(req.headers.host);
    if (slug === null) return false;
    const startedAt = performance.now();
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    if (req.method === "GET" || req.method === "HEAD") {
      const status = serveFromMemory(req, res, slug, requestId);
      if (status !== 0) {
        // The whole response went to the socket in one call: it is done (unless the client already left).
        accessLog.write(req.method, req.url, status, startedAt, requestId, clientIp(req, env), req.socket.destroyed);
        return true;
      }
    }
    res.once("close", () => accessLog.write(req.method, req.url, res.statusCode, startedAt, requestId, clientIp(req, env), !res.writableFinished));
    serve(req, res, slug, requestId).catch((error: unknown) => {
      // A store or database outage: the platform's error envelope, logged with the request id.
      if (!res.headersSent) res.setHeader(REQUEST_ID, requestId);
      sendError(req, res, error, log, requestId);
    });
    return true;
  }

  return { handle, answerRaw };
}

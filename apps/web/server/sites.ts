import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import path from "node:path";
import type { RequestHandler } from "express";
import type { Database } from "@autostack/db";
import type { Env } from "@autostack/api";
import {
  contentTypeFor,
  createSiteFileCache,
  createSiteResolver,
  isHashedAsset,
  siteSlugFromHost,
  type ArtifactStorage,
  type ContentEncoding,
  type SiteFile,
  type SiteFileCacheOptions,
  type SiteTarget,
} from "@autostack/api/services";

// Deployed sites, addressed by host: <slug>.<APP_DOMAIN>. This runs before the
// platform's own middleware, so user content never gets the app's cookies,
// CSP or routes. Files come from the artifact store with their precompressed
// variants. Lookups of slug → artifact are cached for two seconds (so a new
// production deployment shows within two seconds); the files themselves are
// kept in memory (artifacts are immutable), small ones as buffers, with
// their response headers worked out once; a request for a file in memory is
// answered synchronously.
//
// The handler works on plain Node requests (`handle`), so a server can run it
// ahead of Express; `siteServing` is the same as an Express middleware.

const NOT_FOUND_PAGE = "<!doctype html><title>Not found</title><p>No deployment here.</p>";
const NO_ENCODINGS: readonly ContentEncoding[] = [];
const parsedEncodings = new Map<string, readonly ContentEncoding[]>();

function acceptedEncodings(header: string | string[] | undefined): readonly ContentEncoding[] {
  if (!header) return NO_ENCODINGS;
  const key = Array.isArray(header) ? header.join(",") : header;
  // Browsers send one of a handful of values: parse each once.
  let accepted = parsedEncodings.get(key);
  if (accepted) return accepted;
  const value = key.toLowerCase();
  const list: ContentEncoding[] = [];
  if (/\bbr\b/.test(value)) list.push("br");
  if (/\bgzip\b/.test(value)) list.push("gzip");
  accepted = list;
  if (parsedEncodings.size >= 256) parsedEncodings.clear();
  parsedEncodings.set(key, accepted);
  return accepted;
}

/** The artifact-relative path of a request, or null when it is malformed or escapes. */
export function sitePath(rawPath: string): string | null {
  // The common case, nothing to decode or normalise: "/assets/app-1a2b3c4d.js".
  if (rawPath.startsWith("/") && !/%|\\|\/\.|\/\//.test(rawPath)) return rawPath.slice(1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  if (decoded.split("/").includes("..")) return null;
  const normalized = path.posix.normalize(`/${decoded}`);
  return normalized.slice(1);
}

/** The path of a request target without its query ("/a?b" and absolute-form "http://h/a?b" alike). */
function requestPath(url: string): string {
  if (url.startsWith("/")) {
    const query = url.indexOf("?");
    return query === -1 ? url : url.slice(0, query);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return "/";
  }
}

function candidates(filePath: string): string[] {
  if (filePath === "" || filePath.endsWith("/")) return [`${filePath}index.html`];
  return [filePath, `${filePath}/index.html`, `${filePath}.html`];
}

function sendText(res: ServerResponse, status: number, type: "plain" | "html", body: string, extra: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...extra, "Content-Type": `text/${type}; charset=utf-8`, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

export interface SiteServingOptions {
  env: Env;
  db: Database;
  storage: ArtifactStorage;
  /** How long a slug → deployment lookup is reused (default 2 s): the bound on how late a production switch shows. */
  resolveTtlMs?: number;
  /** Memory for site files (default 64 MiB, files up to 1 MiB). */
  fileCache?: SiteFileCacheOptions;
}

export interface SiteServer {
  /**
   * Serves the request when its host is a site host and returns true;
   * returns false (and does nothing) otherwise. `onError` gets unexpected
   * failures (a store outage); without it they answer 500.
   */
  handle(req: IncomingMessage, res: ServerResponse, onError?: (error: unknown) => void): boolean;
  /** The same as an Express middleware: other hosts go on to `next`. */
  middleware: RequestHandler;
}

export function createSiteServer(options: SiteServingOptions): SiteServer {
  const resolve = createSiteResolver(options.db, options.resolveTtlMs);
  const files = createSiteFileCache(options.storage, options.fileCache);
  // Headers of a file held in memory, per status: worked out on its first response.
  const headerCache = new WeakMap<SiteFile, Map<number, OutgoingHttpHeaders>>();

  function headersFor(found: SiteFile, file: string, status: number): OutgoingHttpHeaders {
    let byStatus = found.buffer ? headerCache.get(found) : undefined;
    let headers = byStatus?.get(status);
    if (headers) return headers;
    headers = {
      "X-Content-Type-Options": "nosniff",
      "Content-Type": contentTypeFor(file),
      ETag: `"${found.etag}"`,
      Vary: "Accept-Encoding",
      "Cache-Control": isHashedAsset(file) ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate",
      ...(found.encoding ? { "Content-Encoding": found.encoding } : {}),
      "Content-Length": found.size,
    };
    if (found.buffer) {
      if (!byStatus) headerCache.set(found, (byStatus = new Map()));
      byStatus.set(status, headers);
    }
    return headers;
  }

  function respond(req: IncomingMessage, res: ServerResponse, found: SiteFile, file: string, status: number): void {
    const headers = headersFor(found, file, status);
    if (status === 200 && req.headers["if-none-match"] === headers.ETag) {
      found.stream?.destroy();
      const { "Content-Length": _length, "Content-Encoding": _encoding, ...notModified } = headers;
      res.writeHead(304, notModified);
      res.end();
      return;
    }
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      found.stream?.destroy();
      res.end();
    } else if (found.buffer) {
      res.end(found.buffer);
    } else {
      found.stream.on("error", () => res.destroy());
      found.stream.pipe(res);
    }
  }

  async function send(req: IncomingMessage, res: ServerResponse, target: SiteTarget, file: string, status: number): Promise<boolean> {
    const found = await files.read(target.artifactKey, file, acceptedEncodings(req.headers["accept-encoding"]));
    if (!found) return false;
    respond(req, res, found, file, status);
    return true;
  }

  /**
   * The hot path, without a promise: the slug's deployment and the file are
   * both in memory already. False when anything needs a lookup (then `serve`
   * does the whole request).
   */
  function serveFromMemory(req: IncomingMessage, res: ServerResponse, slug: string): boolean {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const target = resolve.peek(slug);
    if (!target) return false;
    const filePath = sitePath(requestPath(req.url ?? "/"));
    if (filePath === null) return false;
    const accept = acceptedEncodings(req.headers["accept-encoding"]);
    for (const candidate of candidates(filePath)) {
      const found = files.peek(target.artifactKey, candidate, accept);
      if (found === undefined) return false;
      if (found) {
        respond(req, res, found, candidate, 200);
        return true;
      }
    }
    return false;
  }

  async function serve(req: IncomingMessage, res: ServerResponse, slug: string): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "plain", "Method not allowed", { Allow: "GET, HEAD", "X-Content-Type-Options": "nosniff" });
      return;
    }
    const filePath = sitePath(requestPath(req.url ?? "/"));
    if (filePath === null) {
      sendText(res, 400, "plain", "Bad request", { "X-Content-Type-Options": "nosniff" });
      return;
    }
    const target = await resolve(slug);
    if (!target) {
      sendText(res, 404, "html", NOT_FOUND_PAGE, { "X-Content-Type-Options": "nosniff" });
      return;
    }
    for (const candidate of candidates(filePath)) {
      if (await send(req, res, target, candidate, 200)) return;
    }
    // Client-side routes of a single-page app: paths without an extension.
    if (target.spaFallback && !/\.[a-z0-9]+$/i.test(filePath) && (await send(req, res, target, "index.html", 200))) return;
    if (await send(req, res, target, "404.html", 404)) return;
    sendText(res, 404, "html", NOT_FOUND_PAGE, { "X-Content-Type-Options": "nosniff" });
  }

  function handle(req: IncomingMessage, res: ServerResponse, onError?: (error: unknown) => void): boolean {
    const slug = siteSlugFromHost(options.env, req.headers.host);
    if (!slug) return false;
    if (serveFromMemory(req, res, slug)) return true;
    serve(req, res, slug).catch(
      onError ??
        (() => {
          if (res.headersSent) res.destroy();
          else sendText(res, 500, "plain", "Internal server error", { "X-Content-Type-Options": "nosniff" });
        }),
    );
    return true;
  }

  return {
    handle,
    middleware: (req, res, next) => {
      if (!handle(req, res, next)) next();
    },
  };
}

/** The site server as an Express middleware (see createSiteServer). */
export function siteServing(options: SiteServingOptions): RequestHandler {
  return createSiteServer(options).middleware;
}

import path from "node:path";
import type { RequestHandler, Response } from "express";
import type { Database } from "@autostack/db";
import type { Env } from "@autostack/api";
import {
  contentTypeFor,
  createSiteResolver,
  isHashedAsset,
  siteSlugFromHost,
  type ArtifactStorage,
  type ContentEncoding,
  type SiteTarget,
} from "@autostack/api/services";

// Deployed sites, addressed by host: <slug>.<APP_DOMAIN>. This runs before the
// platform's own middleware, so user content never gets the app's cookies,
// CSP or routes. Files come from the artifact store with their precompressed
// variants; lookups of slug → artifact are cached for two seconds.

const NOT_FOUND_PAGE = "<!doctype html><title>Not found</title><p>No deployment here.</p>";

function acceptedEncodings(header: string | undefined): ContentEncoding[] {
  const accepted: ContentEncoding[] = [];
  const value = (header ?? "").toLowerCase();
  if (/\bbr\b/.test(value)) accepted.push("br");
  if (/\bgzip\b/.test(value)) accepted.push("gzip");
  return accepted;
}

/** The artifact-relative path of a request, or null when it is malformed or escapes. */
export function sitePath(rawPath: string): string | null {
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

function candidates(filePath: string): string[] {
  if (filePath === "" || filePath.endsWith("/")) return [`${filePath}index.html`];
  return [filePath, `${filePath}/index.html`, `${filePath}.html`];
}

export function siteServing(options: { env: Env; db: Database; storage: ArtifactStorage }): RequestHandler {
  const resolve = createSiteResolver(options.db);

  async function send(res: Response, target: SiteTarget, file: string, status: number, req: { method: string; headers: Record<string, string | string[] | undefined> }): Promise<boolean> {
    const found = await options.storage.readFile(target.artifactKey, file, acceptedEncodings(req.headers["accept-encoding"] as string | undefined));
    if (!found) return false;
    const etag = `"${found.etag}"`;
    res.status(status);
    res.setHeader("Content-Type", contentTypeFor(file));
    res.setHeader("ETag", etag);
    res.setHeader("Vary", "Accept-Encoding");
    res.setHeader("Cache-Control", isHashedAsset(file) ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate");
    if (status === 200 && req.headers["if-none-match"] === etag) {
      found.body.destroy();
      res.status(304).end();
      return true;
    }
    if (found.encoding) res.setHeader("Content-Encoding", found.encoding);
    res.setHeader("Content-Length", String(found.size));
    if (req.method === "HEAD") {
      found.body.destroy();
      res.end();
      return true;
    }
    found.body.on("error", () => res.destroy());
    found.body.pipe(res);
    return true;
  }

  return (req, res, next) => {
    const slug = siteSlugFromHost(options.env, req.headers.host);
    if (!slug) {
      next();
      return;
    }
    res.setHeader("X-Content-Type-Options", "nosniff");
    void (async () => {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.status(405).setHeader("Allow", "GET, HEAD").type("text/plain").send("Method not allowed");
        return;
      }
      const filePath = sitePath(req.path);
      if (filePath === null) {
        res.status(400).type("text/plain").send("Bad request");
        return;
      }
      const target = await resolve(slug);
      if (!target) {
        res.status(404).type("html").send(NOT_FOUND_PAGE);
        return;
      }
      for (const candidate of candidates(filePath)) {
        if (await send(res, target, candidate, 200, req)) return;
      }
      // Client-side routes of a single-page app: paths without an extension.
      if (target.spaFallback && !/\.[a-z0-9]+$/i.test(filePath) && (await send(res, target, "index.html", 200, req))) return;
      if (await send(res, target, "404.html", 404, req)) return;
      res.status(404).type("html").send(NOT_FOUND_PAGE);
    })().catch(next);
  };
}

import path from "node:path";
import type { ContentEncoding } from "@autostack/api/services";

// From a request to the artifact file it asks for: the path inside the
// artifact (or a refusal), the files to try for it, and the encodings the
// client accepts. Pure functions, shared by the Node path and the fast lane
// (sites.ts answerRaw).

const NO_ENCODINGS: readonly ContentEncoding[] = [];
const parsedEncodings = new Map<string, readonly ContentEncoding[]>();

export function acceptedEncodings(header: string | string[] | undefined): readonly ContentEncoding[] {
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
export function requestPath(url: string): string {
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

export function candidates(filePath: string): string[] {
  if (filePath === "" || filePath.endsWith("/")) return [`${filePath}index.html`];
  return [filePath, `${filePath}/index.html`, `${filePath}.html`];
}

// A strict reader of the one kind of request the site fast lane answers
// itself (site-lane.ts): `GET|HEAD <origin-form path> HTTP/1.1` with
// well-formed header lines and nothing that frames a body, changes the
// connection or asks for an upgrade. Everything else — a body, chunked
// encoding, `Expect`, `Connection: close`, HTTP/1.0, obs-fold, stray CR or LF,
// control characters, a duplicate Host, an oversized head — is "not simple":
// the lane hands the connection to Node's own HTTP parser, which knows the
// whole protocol. So this reader never has to agree with llhttp on anything
// hard: it only ever says yes to requests whose framing is unambiguous.

export interface SimpleRequest {
  method: "GET" | "HEAD";
  /** The request target as sent: an origin-form path, possibly with a query. */
  target: string;
  host: string;
  acceptEncoding: string | undefined;
  ifNoneMatch: string | undefined;
  requestId: string | undefined;
  forwardedFor: string | undefined;
}

/** Node's default --max-http-header-size: a larger head goes to Node, which answers 431. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** A header name (a token) from `lastIndex`; sticky, so it is tested in place without slicing. */
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
/** Visible ASCII only: no spaces, controls or bytes above 0x7e in the path. */
const ORIGIN_FORM = /^\/[!-~]*$/;
/** Controls other than HTAB, and any CR or LF that is not part of a CRLF line end. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;

/** The lengths of the header names that matter here: other names are only checked to be tokens. */
const INTERESTING_LENGTHS = new Set(["host", "accept-encoding", "if-none-match", "x-request-id", "x-forwarded-for", "connection", "content-length", "transfer-encoding", "expect", "upgrade"].map((name) => name.length));

const SPACE = 0x20;
const TAB = 0x09;

/**
 * Reads the head in `buffer[start, end)` (`end` is where its blank line's
 * CRLFCRLF begins). Returns null for anything that is not a simple request.
 * It runs for every request of the fast lane, so it works on the head's one
 * string by index: no split, no per-line slices but for the values it keeps.
 */
export function readSimpleRequest(buffer: Buffer, start: number, end: number): SimpleRequest | null {
  if (end - start > MAX_HEAD_BYTES) return null;
  const head = buffer.toString("latin1", start, end);
  if (FORBIDDEN.test(head)) return null;
  let lineEnd = head.indexOf("\r\n");
  if (lineEnd === -1) lineEnd = head.length;
  const firstSpace = head.indexOf(" ");
  const lastSpace = head.lastIndexOf(" ", lineEnd - 1);
  if (firstSpace <= 0 || firstSpace >= lineEnd || lastSpace === firstSpace) return null;
  const method = head.slice(0, firstSpace);
  if (method !== "GET" && method !== "HEAD") return null;
  if (lineEnd - lastSpace - 1 !== 8 || !head.startsWith("HTTP/1.1", lastSpace + 1)) return null;
  const target = head.slice(firstSpace + 1, lastSpace);
  if (!ORIGIN_FORM.test(target)) return null;

  const request: SimpleRequest = {
    method,
    target,
    host: "",
    acceptEncoding: undefined,
    ifNoneMatch: undefined,
    requestId: undefined,
    forwardedFor: undefined,
  };
  let hosts = 0;
  for (let pos = lineEnd + 2; pos < head.length; ) {
    let next = head.indexOf("\r\n", pos);
    if (next === -1) next = head.length;
    const colon = head.indexOf(":", pos);
    if (colon <= pos || colon > next) return null;
    // The name must be a token up to the colon: refuses "Name :" and obs-fold lines (they start with a space).
    TOKEN.lastIndex = pos;
    if (!TOKEN.test(head) || TOKEN.lastIndex !== colon) return null;
    if (INTERESTING_LENGTHS.has(colon - pos)) {
      let from = colon + 1;
      let to = next;
      while (from < to && (head.charCodeAt(from) === SPACE || head.charCodeAt(from) === TAB)) from++;
      while (to > from && (head.charCodeAt(to - 1) === SPACE || head.charCodeAt(to - 1) === TAB)) to--;
      switch (head.slice(pos, colon).toLowerCase()) {
        case "host":
          hosts++;
          request.host = head.slice(from, to);
          break;
        case "accept-encoding":
          request.acceptEncoding = request.acceptEncoding === undefined ? head.slice(from, to) : `${request.acceptEncoding}, ${head.slice(from, to)}`;
          break;
        case "if-none-match":
          if (request.ifNoneMatch !== undefined) return null;
          request.ifNoneMatch = head.slice(from, to);
          break;
        case "x-request-id":
          request.requestId ??= head.slice(from, to);
          break;
        case "x-forwarded-for":
          request.forwardedFor = request.forwardedFor === undefined ? head.slice(from, to) : `${request.forwardedFor},${head.slice(from, to)}`;
          break;
        case "connection":
          // keep-alive is HTTP/1.1's default; anything else (close, upgrade, hop-by-hop names) is Node's to handle.
          if (head.slice(from, to).toLowerCase() !== "keep-alive") return null;
          break;
        case "content-length":
        case "transfer-encoding":
        case "expect":
        case "upgrade":
          return null;
      }
    }
    pos = next + 2;
  }
  if (hosts !== 1 || request.host === "") return null;
  return request;
}

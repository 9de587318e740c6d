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

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII only: no spaces, controls or bytes above 0x7e in the path. */
const ORIGIN_FORM = /^\/[!-~]*$/;
/** Controls other than HTAB, and any CR or LF that is not part of a CRLF line end. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;

/**
 * Reads the head in `buffer[start, end)` (`end` is where its blank line's
 * CRLFCRLF begins). Returns null for anything that is not a simple request.
 */
export function readSimpleRequest(buffer: Buffer, start: number, end: number): SimpleRequest | null {
  if (end - start > MAX_HEAD_BYTES) return null;
  const head = buffer.toString("latin1", start, end);
  if (FORBIDDEN.test(head)) return null;
  const lines = head.split("\r\n");
  const requestLine = lines[0]!;
  const firstSpace = requestLine.indexOf(" ");
  const lastSpace = requestLine.lastIndexOf(" ");
  if (firstSpace <= 0 || lastSpace === firstSpace) return null;
  const method = requestLine.slice(0, firstSpace);
  if (method !== "GET" && method !== "HEAD") return null;
  if (requestLine.slice(lastSpace + 1) !== "HTTP/1.1") return null;
  const target = requestLine.slice(firstSpace + 1, lastSpace);
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
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    // Also refuses "Name :" and obs-fold continuation lines (they start with a space).
    if (!TOKEN.test(name)) return null;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    switch (name.toLowerCase()) {
      case "host":
        hosts++;
        request.host = value;
        break;
      case "accept-encoding":
        request.acceptEncoding = request.acceptEncoding === undefined ? value : `${request.acceptEncoding}, ${value}`;
        break;
      case "if-none-match":
        if (request.ifNoneMatch !== undefined) return null;
        request.ifNoneMatch = value;
        break;
      case "x-request-id":
        request.requestId ??= value;
        break;
      case "x-forwarded-for":
        request.forwardedFor = request.forwardedFor === undefined ? value : `${request.forwardedFor},${value}`;
        break;
      case "connection":
        // keep-alive is HTTP/1.1's default; anything else (close, upgrade, hop-by-hop names) is Node's to handle.
        if (value.toLowerCase() !== "keep-alive") return null;
        break;
      case "content-length":
      case "transfer-encoding":
      case "expect":
      case "upgrade":
        return null;
    }
  }
  if (hosts !== 1 || request.host === "") return null;
  return request;
}

import { describe, expect, it } from "vitest";
import { MAX_HEAD_BYTES, readSimpleRequest } from "../../server/request-head";

// The site fast lane answers only heads this reader accepts; anything it
// refuses goes to Node's own parser. So it must accept the everyday request
// and refuse everything whose framing is not plainly "no body, keep alive".

function read(head: string) {
  const buffer = Buffer.from(`${head}\r\n\r\n`, "latin1");
  return readSimpleRequest(buffer, 0, buffer.length - 4);
}

describe("simple request heads", () => {
  it("reads a browser's GET and HEAD, with the headers the lane uses", () => {
    const request = read(
      [
        "GET /assets/app-1a2b.js?v=1 HTTP/1.1",
        "Host: blog-a1b2c3.localhost:3000",
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
        "Accept-Encoding: gzip, deflate, br",
        'If-None-Match: "abc"',
        "X-Request-Id: req-1",
        "X-Forwarded-For: 203.0.113.1",
        "X-Forwarded-For: 10.0.0.1",
        "Connection: keep-alive",
      ].join("\r\n"),
    );
    expect(request).toEqual({
      method: "GET",
      target: "/assets/app-1a2b.js?v=1",
      host: "blog-a1b2c3.localhost:3000",
      acceptEncoding: "gzip, deflate, br",
      ifNoneMatch: '"abc"',
      requestId: "req-1",
      forwardedFor: "203.0.113.1,10.0.0.1",
    });
    expect(read("HEAD / HTTP/1.1\r\nhost:\tsite.localhost\t")?.host).toBe("site.localhost");
  });

  it("finds a head in the middle of a buffer (pipelined requests)", () => {
    const buffer = Buffer.from("GET /a HTTP/1.1\r\nHost: a.localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: b.localhost\r\n\r\n");
    const second = buffer.indexOf("GET /b");
    expect(readSimpleRequest(buffer, second, buffer.length - 4)).toMatchObject({ target: "/b", host: "b.localhost" });
  });

  it.each([
    ["a body", "POST / HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: 1"],
    ["a Content-Length on GET", "GET / HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: 0"],
    ["chunked encoding", "GET / HTTP/1.1\r\nHost: a.localhost\r\nTransfer-Encoding: chunked"],
    ["Expect", "GET / HTTP/1.1\r\nHost: a.localhost\r\nExpect: 100-continue"],
    ["an upgrade", "GET / HTTP/1.1\r\nHost: a.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket"],
    ["Connection: close", "GET / HTTP/1.1\r\nHost: a.localhost\r\nConnection: close"],
    ["HTTP/1.0", "GET / HTTP/1.0\r\nHost: a.localhost"],
    ["HTTP/2 preface-like versions", "GET / HTTP/2.0\r\nHost: a.localhost"],
    ["other methods", "OPTIONS / HTTP/1.1\r\nHost: a.localhost"],
    ["lower-case methods", "get / HTTP/1.1\r\nHost: a.localhost"],
    ["an absolute-form target", "GET http://a.localhost/ HTTP/1.1\r\nHost: a.localhost"],
    ["an asterisk target", "OPTIONS * HTTP/1.1\r\nHost: a.localhost"],
    ["a space in the target", "GET /a b HTTP/1.1\r\nHost: a.localhost"],
    ["a tab in the target", "GET /a\tb HTTP/1.1\r\nHost: a.localhost"],
    ["a non-ASCII target", "GET /caf\u00e9 HTTP/1.1\r\nHost: a.localhost"],
    ["no Host", "GET / HTTP/1.1\r\nAccept: */*"],
    ["an empty Host", "GET / HTTP/1.1\r\nHost: "],
    ["two Hosts", "GET / HTTP/1.1\r\nHost: a.localhost\r\nHost: b.localhost"],
    ["two If-None-Match", 'GET / HTTP/1.1\r\nHost: a.localhost\r\nIf-None-Match: "a"\r\nIf-None-Match: "b"'],
    ["whitespace before the colon", "GET / HTTP/1.1\r\nHost : a.localhost"],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: a.localhost\r\nX-Long: a\r\n b"],
    ["a line without a colon", "GET / HTTP/1.1\r\nHost: a.localhost\r\nnonsense"],
    ["a bare LF", "GET / HTTP/1.1\r\nHost: a.localhost\nX: y"],
    ["a bare CR", "GET / HTTP/1.1\r\nHost: a.localhost\rX: y"],
    ["a NUL", "GET / HTTP/1.1\r\nHost: a.localhost\r\nX: a\0b"],
    ["an extra space in the request line", "GET  / HTTP/1.1\r\nHost: a.localhost"],
    ["a leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a.localhost"],
  ])("refuses %s", (_what, head) => {
    expect(read(head)).toBeNull();
  });

  it("refuses a head larger than Node's default limit (Node answers 431)", () => {
    expect(read(`GET / HTTP/1.1\r\nHost: a.localhost\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}`)).toBeNull();
    expect(read(`GET / HTTP/1.1\r\nHost: a.localhost\r\nX-Big: ${"a".repeat(1000)}`)).not.toBeNull();
  });
});

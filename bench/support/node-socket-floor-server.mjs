// The ceiling for any Node.js server on this machine, for bench/serve.mjs
// (variant "socket-floor"): no HTTP library at all. A bare net server that
// finds each request's end and writes one prebuilt response buffer (status
// line, fixed headers and body in one piece: one write syscall) for it. No
// parsing, routing, lookups, request id or log line. What Autostack's site
// fast lane costs above this is its own; what this costs above nginx is
// Node's (and copying the body into the kernel, where nginx uses sendfile).
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const dir = process.env.BENCH_FILES_DIR;
const responses = new Map();
for (const [url, name, type] of [
  ["/", "index.html", "text/html; charset=utf-8"],
  [`/assets/${process.env.BENCH_BUNDLE}`, `assets/${process.env.BENCH_BUNDLE}`, "text/javascript; charset=utf-8"],
]) {
  const variants = {};
  for (const [encoding, suffix] of [["identity", ""], ["br", ".br"]]) {
    const body = readFileSync(path.join(dir, name + suffix));
    const head =
      `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nETag: "floor"\r\nVary: Accept-Encoding\r\n` +
      `${suffix ? `Content-Encoding: ${encoding}\r\n` : ""}Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
    variants[encoding] = Buffer.concat([Buffer.from(head, "latin1"), body]);
  }
  responses.set(url, variants);
}
const NOT_FOUND = Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

const server = net.createServer((socket) => {
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk) => {
    let start = 0;
    for (let end = chunk.indexOf(HEAD_END); end !== -1; end = chunk.indexOf(HEAD_END, start)) {
      // Good enough for wrk's requests: "GET <path> HTTP/1.1", whole in one chunk.
      const head = chunk.toString("latin1", start, end);
      const url = head.slice(head.indexOf(" ") + 1, head.indexOf(" HTTP/"));
      const variants = responses.get(url);
      socket.write(variants ? (/accept-encoding:[^\r]*\bbr\b/i.test(head) ? variants.br : variants.identity) : NOT_FOUND);
      start = end + HEAD_END.length;
    }
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(JSON.stringify({ msg: "listening" })));
process.once("SIGTERM", () => server.close(() => process.exit(0)));

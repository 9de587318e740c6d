// The floor for any Node.js server on this machine, for bench/serve.mjs
// (variant "node-floor", opt-in): a bare node:http server that answers every
// request with bytes already in memory and fixed headers. No routing, no
// lookups, no request log. Whatever Autostack costs above this is its own.
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const dir = process.env.BENCH_FILES_DIR;
const files = new Map();
for (const [url, name, type] of [
  ["/", "index.html", "text/html; charset=utf-8"],
  [`/assets/${process.env.BENCH_BUNDLE}`, `assets/${process.env.BENCH_BUNDLE}`, "text/javascript; charset=utf-8"],
]) {
  const variants = {};
  for (const [encoding, suffix] of [["identity", ""], ["br", ".br"], ["gzip", ".gz"]]) {
    const body = readFileSync(path.join(dir, name + suffix));
    variants[encoding] = {
      body,
      headers: { "Content-Type": type, ETag: '"floor"', Vary: "Accept-Encoding", ...(suffix ? { "Content-Encoding": encoding } : {}), "Content-Length": body.length },
    };
  }
  files.set(url, variants);
}

const server = http.createServer((req, res) => {
  const variants = files.get(req.url);
  if (!variants) {
    res.writeHead(404).end();
    return;
  }
  const variant = /\bbr\b/.test(req.headers["accept-encoding"] ?? "") ? variants.br : variants.identity;
  res.writeHead(200, variant.headers);
  res.end(variant.body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(JSON.stringify({ msg: "listening" })));
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

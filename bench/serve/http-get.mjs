// A single HTTP GET for bench/serve.mjs: checking that a server answers (and
// answers correctly) before it is measured.
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

/** One GET with a Host header; the decoded body and the response headers. */
export function get(port, host, pathname, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: pathname, headers: { host, ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        const body = encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw;
        resolve({ status: res.statusCode, headers: res.headers, bytes: raw.length, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

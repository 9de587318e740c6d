// nginx for bench/serve.mjs: the baseline Autostack's site serving is
// compared with, configured as a sensible static-file setup for one worker
// (sendfile, gzip_static, open_file_cache, an access log line per request).
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { onCleanup, sleep } from "../lib.mjs";
import { get } from "./http-get.mjs";

function nginxConfig({ prefix, port, rootDir }) {
  return `# Written by bench/serve.mjs: a sensible static-file setup for one worker.
worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/nginx-error.log warn;
events {
  worker_connections 4096;
}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/plain application/javascript application/json image/svg+xml;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 100000;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_min_uses 1;
  open_file_cache_errors on;
  gzip_static on;
  gzip_vary on;
  server_tokens off;
  access_log ${prefix}/nginx-access.log combined;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} default_server;
    server_name _;
    root ${rootDir};
    index index.html;
    add_header X-Content-Type-Options nosniff;
    location / {
      try_files $uri $uri/ $uri.html =404;
      add_header X-Content-Type-Options nosniff;
      add_header Cache-Control "public, max-age=0, must-revalidate";
    }
    location /assets/ {
      add_header X-Content-Type-Options nosniff;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
  }
}
`;
}

/** Starts nginx (files and logs under `prefix`) serving `rootDir`; resolves to the master's pid once it answers. */
export async function startNginx(prefix, port, rootDir) {
  const conf = path.join(prefix, "nginx.conf");
  writeFileSync(conf, nginxConfig({ prefix, port, rootDir }));
  execFileSync("nginx", ["-t", "-q", "-p", prefix, "-e", path.join(prefix, "nginx-error.log"), "-c", conf], { stdio: "pipe" });
  const child = spawn("nginx", ["-p", prefix, "-e", path.join(prefix, "nginx-error.log"), "-c", conf], { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGQUIT"); // graceful: the master stops its worker
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });
  for (let i = 0; i < 100; i++) {
    const ok = await get(port, "localhost", "/").then(() => true, () => false);
    if (ok) return child.pid;
    await sleep(50);
  }
  throw new Error("nginx did not start listening");
}

// The sandbox's side of BUILD_NETWORK=public (ADR 0015). The step runs with
// no network but loopback (Docker's "none", bwrap's own network namespace),
// plus one read-only directory holding the proxy's Unix socket. Package
// managers and git only speak HTTP proxies over TCP, so a tiny forwarder,
// started by the step's shell before the command, listens on 127.0.0.1 and
// pipes each connection to that socket. It runs with the step's own node (the
// image's or the toolchain's), as the build's user, inside its limits.

/** Where the proxy's directory appears inside the sandbox. */
export const EGRESS_MOUNT = "/.autostack-egress";
export const FORWARDER_FILE = "forward.cjs";
export const PROXY_SOCKET = "proxy.sock";
/** Inside the sandbox's own network namespace: nothing else listens there but the build's own servers. */
export const FORWARDER_PORT = 41_080;
const READY_FILE = "/tmp/.autostack-egress-ready";
const PROXY_URL = `http://127.0.0.1:${FORWARDER_PORT}`;

/** CommonJS without the node: prefix, so that the oldest node an image may ship runs it. */
export const FORWARDER_SOURCE = `"use strict";
const net = require("net");
const fs = require("fs");
const [port, socketPath, readyFile] = process.argv.slice(2);
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on("error", close).on("close", close);
  upstream.on("error", close).on("close", close);
  client.pipe(upstream);
  upstream.pipe(client);
});
server.on("error", (error) => { process.stderr.write("autostack egress forwarder: " + error.message + "\\n"); process.exit(1); });
server.listen(Number(port), "127.0.0.1", () => fs.writeFileSync(readyFile, ""));
`;

/** Every spelling of the proxy settings that npm, pnpm, yarn, bun, git, curl and wget read. */
export const PROXY_ENV: Record<string, string> = {
  HTTP_PROXY: PROXY_URL,
  HTTPS_PROXY: PROXY_URL,
  http_proxy: PROXY_URL,
  https_proxy: PROXY_URL,
  npm_config_proxy: PROXY_URL,
  npm_config_https_proxy: PROXY_URL,
  NO_PROXY: "localhost,127.0.0.1,::1",
  no_proxy: "localhost,127.0.0.1,::1",
};

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The step's command behind a prologue that starts the forwarder and waits
 * (at most 10 s) until it listens; the command then replaces the shell, so it
 * keeps its exit status and signals. Without node the step still runs, with
 * a line saying it has no network.
 */
export function withForwarder(command: string): string {
  const forwarder = `${EGRESS_MOUNT}/${FORWARDER_FILE}`;
  const socket = `${EGRESS_MOUNT}/${PROXY_SOCKET}`;
  return [
    `if command -v node >/dev/null 2>&1; then node ${forwarder} ${FORWARDER_PORT} ${socket} ${READY_FILE} </dev/null >/dev/null 2>&1 & fi`,
    `n=0; while [ ! -e ${READY_FILE} ] && [ $n -lt 200 ]; do sleep 0.05 2>/dev/null || sleep 1; n=$((n+1)); done`,
    `[ -e ${READY_FILE} ] || echo "autostack: the network proxy did not start (no node on the PATH?): this step has no network access" >&2`,
    "unset n",
    `exec sh -c ${shellQuote(command)}`,
  ].join("\n");
}

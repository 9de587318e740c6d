// Minimal Docker Engine API client for the docker scripts. Plain Node with no
// dependencies: these scripts must run on a fresh machine before `pnpm install`
// (and in CI without the docker CLI being the one we expect).
import http from "node:http";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** `unix:///path`, `tcp://host:port` or `http://host:port` → http.request options. */
export function parseDockerHost(value) {
  if (!value) return { socketPath: DEFAULT_SOCKET };
  if (value.startsWith("unix://")) return { socketPath: value.slice("unix://".length) };
  const match = /^(?:tcp|http):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(value);
  if (match) return { host: match[1].replace(/^\[|\]$/g, ""), port: Number(match[2] ?? 2375) };
  throw new Error(`unsupported DOCKER_HOST ${JSON.stringify(value)} (expected unix://… or tcp://host:port)`);
}

/**
 * One request against the engine. `body` may be a Buffer/string or a readable
 * stream (piped, chunked). Resolves with status and the whole response text.
 */
export function engineRequest(dockerHost, method, path, { body, headers = {}, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request({ ...parseDockerHost(dockerHost), method, path, headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    if (timeoutMs) request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    if (body && typeof body.pipe === "function") {
      body.on("error", (error) => request.destroy(error));
      body.pipe(request);
    } else {
      request.end(body);
    }
  });
}

/** True when an engine answers `GET /_ping` with OK within the timeout. */
export async function pingEngine(dockerHost, timeoutMs = 2000) {
  try {
    const { status, text } = await engineRequest(dockerHost, "GET", "/_ping", { timeoutMs });
    return status === 200 && text.trim() === "OK";
  } catch {
    return false;
  }
}

import Docker from "dockerode";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/**
 * Connection options for a DOCKER_HOST value (`unix:///path`, `tcp://host:port`).
 *
 * docker-modem merges its own defaults, read from the process environment
 * (DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_CLIENT_TIMEOUT …), under whatever we
 * pass. Every such key is therefore set explicitly, so the value configured
 * for the worker is the only one that counts.
 */
export function dockerConnectionOptions(dockerHost?: string): Docker.DockerOptions {
  const neutral = {
    socketPath: undefined, host: undefined, port: undefined, protocol: undefined, timeout: undefined,
    ca: undefined, cert: undefined, key: undefined, pathPrefix: undefined,
  };
  if (!dockerHost) return { ...neutral, socketPath: DEFAULT_DOCKER_SOCKET };
  if (dockerHost.startsWith("unix://")) {
    const socketPath = dockerHost.slice("unix://".length);
    if (!socketPath.startsWith("/")) throw new Error(`DOCKER_HOST ${dockerHost}: the socket path must be absolute`);
    return { ...neutral, socketPath };
  }
  const tcp = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?\/?$/.exec(dockerHost);
  if (tcp) {
    // TLS (tcp://…:2376 with certificates) is not supported: engines are local.
    return { ...neutral, host: tcp[1]!.replace(/^\[|\]$/g, ""), port: Number(tcp[2] ?? 2375), protocol: "http" };
  }
  throw new Error(`unsupported DOCKER_HOST ${JSON.stringify(dockerHost)}: use unix:///path or tcp://host:port`);
}

export function createDockerClient(dockerHost?: string): Docker {
  return new Docker(dockerConnectionOptions(dockerHost));
}

/**
 * True when the engine answers `_ping` within `timeoutMs`. Never throws: the
 * worker calls this at start to decide whether Git deployments can run at all.
 */
export async function pingDocker(docker: Docker, timeoutMs = 2000): Promise<boolean> {
  try {
    // dockerode passes abortSignal to the HTTP request (its typings omit it).
    const ping = docker.ping as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    const answer = await ping.call(docker, { abortSignal: AbortSignal.timeout(timeoutMs) });
    return String(answer) === "OK";
  } catch {
    return false;
  }
}

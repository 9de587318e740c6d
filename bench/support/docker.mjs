// The Docker engine and builder image a benchmark builds with: DOCKER_HOST, or
// the system socket, or the private engine `pnpm start` runs under .data/docker.
import { existsSync } from "node:fs";
import path from "node:path";
import { importBuilt, root } from "../lib.mjs";

function dockerHosts() {
  if (process.env.DOCKER_HOST) return [process.env.DOCKER_HOST];
  return ["/var/run/docker.sock", path.join(root, ".data/docker/docker.sock")].filter((socket) => existsSync(socket)).map((socket) => `unix://${socket}`);
}

/** `{ host, image }` (image: the engine's inspect of it) or `{ error }` saying what to do. */
export async function findDocker(imageName) {
  const { createDockerClient, pingDocker } = await importBuilt("apps/worker/dist/builder/runners/docker/docker-client.js");
  for (const host of dockerHosts()) {
    const docker = createDockerClient(host);
    if (!(await pingDocker(docker))) continue;
    const image = await docker.getImage(imageName).inspect().catch(() => null);
    if (!image) {
      return { error: `the Docker engine at ${host} has no image ${imageName}: build it with \`node scripts/docker/build-builder-image.mjs\` (or run \`pnpm start\` once)` };
    }
    return { host, image };
  }
  return {
    error: `no Docker engine reachable (${dockerHosts().join(", ") || "DOCKER_HOST unset, no /var/run/docker.sock"}): set DOCKER_HOST to a running engine to run this benchmark`,
  };
}

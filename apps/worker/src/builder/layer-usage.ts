import type Docker from "dockerode";
import { DEPLOYMENT_LABEL, WORKER_LABEL } from "./runners/docker/container-spec.js";
import { createDockerClient } from "./runners/docker/docker-client.js";

// The part of a build's disk use that is not in its work directory: what the
// running step writes into its container's writable layer ($HOME, /opt, …),
// until the container is removed at the end of the step.
//
// The engine reports it as SizeRw when asked for sizes; it finds it by walking
// the layer's upper directory, so the cost grows with what the step wrote
// there — usually little (the package caches are on the /cache mount), and a
// step that writes a lot there is what this is for. Asked with a label filter,
// the engine sizes only this build's container, not every container it runs.

/**
 * Bytes in the writable layers of the build containers that `workerId` runs
 * for `deploymentId`. `docker` is a DOCKER_HOST value (the client is made on
 * first use, so a malformed one fails the measurement, not the build) or a client.
 */
export function containerLayerUsage(docker: string | undefined | Docker, deploymentId: string, workerId: string): (signal: AbortSignal) => Promise<number> {
  let client = typeof docker === "object" ? docker : undefined;
  return async (signal) => {
    client ??= createDockerClient(docker as string | undefined);
    const options = {
      all: true,
      size: true,
      filters: { label: [`${DEPLOYMENT_LABEL}=${deploymentId}`, `${WORKER_LABEL}=${workerId}`] },
      abortSignal: signal,
    } as Docker.ContainerListOptions;
    const containers = await client.listContainers(options);
    // SizeRw is in the engine's answer with size=true; the typings leave it out.
    return (containers as Array<{ SizeRw?: number }>).reduce((sum, container) => sum + (container.SizeRw ?? 0), 0);
  };
}

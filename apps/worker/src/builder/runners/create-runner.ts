import type Docker from "dockerode";
import type { Env } from "@autostack/api/env";
import { checkBubblewrap, runInSandbox, type BubblewrapOptions } from "./bubblewrap/bubblewrap-runner.js";
import { DEPLOYMENT_LABEL, INSTALLATION_LABEL, WORKER_LABEL } from "./docker/container-spec.js";
import { createDockerClient, pingDocker } from "./docker/docker-client.js";
import { runInContainer } from "./docker/docker-runner.js";
import { egressPolicy } from "../egress/egress-policy.js";
import { withEgress } from "../egress/egress-runner.js";
import { runnerNetwork, type StepRunner } from "../step.js";
import { toolchainsFromLabels } from "../toolchains.js";

// BUILD_RUNNER picks where build steps run; the pipeline only sees a StepRunner.

export interface RunnerOverrides {
  /** Creates the engine client (the default reads DOCKER_HOST). */
  docker?: () => Docker;
  bubblewrap?: BubblewrapOptions;
}

export function createStepRunner(env: Env, overrides: RunnerOverrides = {}): StepRunner {
  const runner = env.BUILD_RUNNER === "bubblewrap" ? bubblewrapRunner({ dataDir: env.DATA_DIR, ...overrides.bubblewrap }) : dockerRunner(env, overrides.docker);
  // BUILD_NETWORK=public: every step's way out is the filtering proxy (ADR 0015).
  return withEgress(runner, egressPolicy(env.BUILD_EGRESS_ALLOW_HOSTS));
}

export function dockerRunner(env: Env, createDocker: () => Docker = () => createDockerClient(env.DOCKER_HOST)): StepRunner {
  let client: Docker | undefined;
  // Created on first use, so that a malformed DOCKER_HOST fails the deployment rather than the worker.
  const docker = () => (client ??= createDocker());
  return {
    kind: "docker",
    async check() {
      let reachable = false;
      try {
        reachable = await pingDocker(docker());
      } catch {
        reachable = false;
      }
      if (!reachable) return { ready: false, reason: `No Docker engine reachable at ${env.DOCKER_HOST ?? "unix:///var/run/docker.sock"}: set DOCKER_HOST to a running engine` };
      const labels = await imageLabels(docker(), env.BUILD_IMAGE);
      if (labels === null) {
        return { ready: false, reason: `The builder image ${env.BUILD_IMAGE} is not on the Docker engine: build it with \`node scripts/docker/build-builder-image.mjs\` (pnpm start does this)` };
      }
      const toolchains = toolchainsFromLabels(labels);
      const notes = toolchains.node.length === 0 ? [`Using the image ${env.BUILD_IMAGE} as it is: it names no Node.js toolchains, so its own node runs the build`] : [];
      return { ready: true, notes, toolchains };
    },
    run({ owner, ...step }) {
      const installation: Record<string, string> = owner?.installationId ? { [INSTALLATION_LABEL]: owner.installationId } : {};
      const labels = owner ? { [DEPLOYMENT_LABEL]: owner.deploymentId, [WORKER_LABEL]: owner.workerId, ...installation } : undefined;
      return runInContainer(docker(), { ...step, network: runnerNetwork(step), image: env.BUILD_IMAGE, ...(labels ? { labels } : {}) });
    },
  };
}

export function bubblewrapRunner(options: BubblewrapOptions = {}): StepRunner {
  return {
    kind: "bubblewrap",
    check: () => checkBubblewrap(options),
    run: (step) => runInSandbox(step, options),
  };
}

/** The image's labels, or null when the engine does not have it. */
async function imageLabels(docker: Docker, image: string): Promise<Record<string, string> | null> {
  try {
    const info = (await docker.getImage(image).inspect()) as { Config?: { Labels?: Record<string, string> | null } };
    return info.Config?.Labels ?? {};
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

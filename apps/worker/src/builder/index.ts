// Running build steps in Docker containers (docs/decisions/0008-build-isolation.md)
// or bubblewrap sandboxes (docs/decisions/0011-bubblewrap-runner.md).
export { createDockerClient, dockerConnectionOptions, pingDocker, DEFAULT_DOCKER_SOCKET } from "./runners/docker/docker-client.js";
export { runInContainer, type RunInContainerOptions } from "./runners/docker/docker-runner.js";
export { checkBubblewrap, runInSandbox, type BubblewrapOptions } from "./runners/bubblewrap/bubblewrap-runner.js";
export { createStepRunner, dockerRunner, bubblewrapRunner, type RunnerOverrides } from "./runners/create-runner.js";
export { StepSetupError, type BuildStep, type Readiness, type RunResult, type StepRunner } from "./step.js";
export { type OutputStream } from "./output.js";
export { findOrphanContainers, removeOrphanContainers, type OrphanContainer } from "./orphans.js";
export { containerSpec, DEPLOYMENT_LABEL, MANAGED_LABEL, WORKER_LABEL, WORKSPACE, type BuildNetwork, type ContainerLimits } from "./runners/docker/container-spec.js";
export { LineSplitter, DEFAULT_MAX_LINE_BYTES } from "./line-splitter.js";
export { prepareWorkDir, BUILDER_UID, BUILDER_GID } from "./work-dir.js";

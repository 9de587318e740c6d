// Running build steps in Docker containers (see docs/decisions/0008-build-isolation.md).
export { createDockerClient, dockerConnectionOptions, pingDocker, DEFAULT_DOCKER_SOCKET } from "./docker-client.js";
export { runInContainer, type OutputStream, type RunInContainerOptions, type RunResult } from "./docker-runner.js";
export { containerSpec, MANAGED_LABEL, WORKSPACE, type BuildNetwork, type ContainerLimits } from "./container-spec.js";
export { LineSplitter, DEFAULT_MAX_LINE_BYTES } from "./line-splitter.js";
export { prepareWorkDir, BUILDER_UID, BUILDER_GID } from "./work-dir.js";

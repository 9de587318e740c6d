// The deployments domain: what routers call (create, list, get, cancel, ...)
// and what the build worker calls (lifecycle, logs, stuck sweep, build spec).
export type { ArtifactStore } from "./artifact-store.js";
export { deploymentNotFound, type DeploymentDeps } from "./access.js";
export { BUILD_TASK, buildJobKey, type BuildJobPayload } from "./build-job.js";
export { loadBuildSpec, type BuildSpec } from "./build-spec.js";
export { cancelDeployment } from "./cancel.js";
export { createDeployment, type CreateDeploymentInput } from "./create.js";
export { openEnvVars } from "./env-vars.js";
export * from "../../domain/deployments/env-vars-input.js";
export { getDeployment } from "./get.js";
export { BRANCH_WAIT_MS, startBuild, type BuildStart } from "./branch-queue.js";
export { markBuilding, markCancelled, markDeploying, markFailed, markSucceeded, recordCommit, type ArtifactInfo, type CommitInfo, type WorkerGuard } from "./lifecycle.js";
export { listDeployments, recentDeployments, RECENT_LIMIT, type DeploymentList, type ListDeploymentsQuery } from "./list.js";
export { appendLogs, MAX_LOG_LINE, type LogLevel, type LogLineInput } from "./log-writer.js";
export { readLogPage, type LogLine, type LogPage, type LogPageQuery } from "./logs.js";
export type { DeploymentDetail, DeploymentListItem, StageView } from "./present.js";
export { DEFAULT_NODE_MAJOR, isNodeMajor, NODE_MAJORS, resolveNodeMajor, type NodeMajor, type NodeMajorChoice } from "./node-version.js";
export { redeployDeployment } from "./redeploy.js";
export { removeDeployment } from "./remove.js";
export { openDeploymentEvents, type DeploymentEvent, type DeploymentStreamItem, type StatusSnapshot, type StreamOptions } from "./event-stream.js";
export { parseDeploymentEventId, type EventPosition } from "../../domain/deployments/event-stream-ids.js";
export * from "../../domain/deployments/status.js";
export { failStuckDeployments, MAX_BUILD_ATTEMPTS, type StuckSweepResult } from "./stuck.js";
export { deploymentUrls, siteSlugFromHost, siteUrl, type UrlEnv } from "./urls.js";
export * from "../../domain/deployments/validation.js";
export {
  checkRepositoryAddress,
  isInternalAddress,
  isNonPublicAddress,
  pinnedGitConfig,
  RepositoryAddressError,
  resolveChecked,
  type Lookup,
  type PinnedAddress,
} from "./repository-address.js";
export { GIT_SAFE_ARGS, gitEnvironment } from "./git-environment.js";

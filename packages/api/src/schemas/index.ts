export * from "./auth.js";
export * from "./user.js";
export * from "./deployment.js";
export * from "./repository-check.js";
// The deployment state machine's vocabulary, browser-safe (no runtime imports).
export {
  ACTIVE_STATUSES,
  DEPLOYMENT_STATUSES,
  FINAL_STATUSES,
  STAGE_LABELS,
  STATUS_FILTERS,
  isActiveStatus,
  isFinalStatus,
  type DeploymentStatus,
  type StatusFilter,
} from "../domain/deployments/status.js";
// The Node.js versions builds run on (the rule for "Automatic" is in services: it needs semver).
export { DEFAULT_NODE_MAJOR, NODE_MAJORS, type NodeMajor } from "../domain/deployments/node-majors.js";
// Where a sign-in may send the browser back to (the app's forms and the OAuth flow).
export { safeRedirect } from "../domain/redirects.js";

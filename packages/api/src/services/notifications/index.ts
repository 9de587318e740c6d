export { enqueueDeploymentNotification, notifyJobKey, NOTIFY_DEPLOYMENT_TASK, NOTIFY_MAX_ATTEMPTS, type NotifyDeploymentPayload } from "./enqueue.js";
export { composeDeploymentMail, type DeploymentOutcome } from "./compose.js";
export { notifyDeployment, wantsMail, type NotifyDeps, type NotifyResult } from "./notify.js";

export { receiveGitHubDelivery, GITHUB_WEBHOOK_TASK, HANDLED_EVENTS, type GitHubWebhookJobPayload, type ReceivedDelivery } from "./receive.js";
export { signWebhookBody } from "./signature.js";
export type { RawDelivery } from "./delivery-input.js";
export { processGitHubDelivery } from "./process.js";
export { PREVIEW_ARTIFACTS_TASK, artifactKeysOf, removePreviewArtifacts, type PreviewArtifactsPayload } from "./preview-artifacts.js";

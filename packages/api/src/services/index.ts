// What processes other than the web server (the worker) need from the domain
// layer, without loading the tRPC router: nothing here may import tRPC.
export { createLogger, handleProcessErrors, type Logger } from "../logger.js";
export { createJobQueue, type JobQueue, type JobQueueHandle, type SendEmailPayload, type TaskPayloads } from "./jobs.js";
export * from "./mail/index.js";
export * from "./notifications/index.js";
export { consumeRateLimit, pruneRateLimits, type RateLimitRule } from "./rate-limit.js";
export * from "./deployments/index.js";
export * from "./frameworks/index.js";
export { createSecretBox, secretBoxFromEnv, SecretBoxError, type SecretBox } from "./crypto/secret-box.js";
export { createEventBus, publishEvent, EVENTS_CHANNEL, type EventBus, type PlatformEvent } from "../events.js";
export * from "./sites/index.js";
export type { ArtifactStorage, ContentEncoding, StoredFile, UploadResult } from "./artifacts/storage.js";
export { createArtifactStorage, createLocalArtifactStorage } from "./artifacts/index.js";
export * from "./github-webhooks/index.js";
export * from "./github/index.js";

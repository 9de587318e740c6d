export { appRouter, createCaller, type AppRouter } from "./root.js";
export {
  createContext,
  createCookieCollector,
  parseCookieHeader,
  serializeCookie,
  type Context,
  type CookieOptions,
  type Deps,
  type RequestInfo,
  type ResponseCookies,
} from "./context.js";
export { loadEnv, parseEnv, ConfigError, type Env } from "./env.js";
export { AppError, NotFoundError, ValidationError, RateLimitError, toErrorEnvelope, zodIssuesToFields, type ErrorEnvelope } from "./errors.js";
export { createEventBus, publishEvent, EVENTS_CHANNEL, type EventBus, type PlatformEvent } from "./events.js";
export { createLogger, handleProcessErrors, type Logger } from "./logger.js";
export { createJobQueue, type JobQueue, type JobQueueHandle, type SendEmailPayload, type TaskPayloads } from "./services/jobs.js";
export { SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookieName } from "./services/auth/sessions.js";
export { finishOAuth, isOAuthProviderName, startOAuth, type OAuthRedirect } from "./services/auth/oauth/index.js";
export { createMailer, listDevMailbox, type DevMailbox, type DevMailboxMessage, type Mailer, type MailMessage } from "./services/mail/index.js";
export {
  deploymentUrls,
  siteSlugFromHost,
  siteUrl,
  type ArtifactStore,
  type DeploymentDetail,
  type DeploymentListItem,
  type LogLine,
  type StatusSnapshot,
} from "./services/deployments/index.js";

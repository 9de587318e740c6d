export { startOAuth, finishOAuth, type CallbackQuery, type OAuthErrorCode, type OAuthRedirect } from "./flow.js";
export { isOAuthProviderName, oauthProvider, OAUTH_PROVIDERS, type OAuthProviderName } from "./providers.js";
export { OAUTH_FLOW_COOKIE, SECURE_OAUTH_FLOW_COOKIE } from "./flow-cookie.js";

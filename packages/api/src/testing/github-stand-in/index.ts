// The GitHub (and Google) stand-in as a package entry point
// (@autostack/api/testing/github-stand-in), for tests that start it from plain
// Node (the e2e platform script) as well as from vitest.
export { startGitHubStandIn, API_PREFIX, type GitHubStandIn } from "./server.js";
export type { StandInConfig, StandInState, StandInUser, StandInEmail, StandInGoogleUser } from "./state.js";
export type { StandInRoute } from "./router.js";
export { oauthRoutes } from "./oauth-routes.js";
export { googleRoutes, googleEnv, GOOGLE_PATHS } from "./google-routes.js";
export { appEnvFor, controlRoutes, oauthEnvFor, OAUTH_TEST_CONFIG } from "./control-routes.js";
// The GitHub App's side (issue 8 §2): App and git routes, fixture repositories, a ready App stand-in.
export { appRoutes, issueAppAuthorizationCode } from "./app-routes.js";
export { gitRoutes } from "./git-routes.js";
export { createFixtureRepo, type FixtureRepoOptions } from "./repo-fixtures.js";
export { startAppStandIn, type AppStandIn } from "./app-fixture.js";
// What the platform writes (issue 8 §3): commit statuses and pull request comments; pull request refs.
export { writeRoutes } from "./write-routes.js";
export { addPullRequestRef, type PullRequestRefOptions } from "./repo-fixtures.js";

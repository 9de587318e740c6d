// The GitHub App: connection, repositories, installation tokens (what the
// worker needs is re-exported from services/index.ts).
export { GithubNotConfiguredError, githubApp } from "./app-client.js";
export { GithubApiError } from "./api-errors.js";
export { githubCloneAccess, GithubCloneAccessError, type GithubCloneAccess } from "./clone-access.js";
export { completeSetup, connectUrl, disconnect, getConnection, requireInstallation, type ConnectionView, type SetupInput } from "./connection.js";
export { mintInstallationToken, type InstallationToken } from "./installation-tokens.js";
export { findRepository, listBranches, listRepositories, type GithubBranch, type GithubRepository } from "./repositories.js";
export { createSetupState, verifySetupState } from "./setup-state.js";
export { githubDeployRepository, type GithubDeployRepository } from "./deploy-repository.js";
export { COMMIT_STATUS_TASK, PR_COMMENT_TASK, type CommitStatusJobPayload, type PrCommentJobPayload } from "./follow-ups.js";
export { reportCommitStatus } from "./commit-status.js";
export { syncPrComment } from "./pr-comment.js";

import { findOwnedDeployment, type DeploymentDeps } from "./access.js";
import { buildConfigSelect } from "./build-config.js";
import { insertQueuedDeployment, resolveRepository, withUniqueRetry } from "./enqueue.js";
import { ConflictError } from "../../errors.js";
import { SecretBoxError } from "../crypto/secret-box.js";
import { openEnvVars } from "./env-vars.js";
import { checkRepositoryAddress } from "./repository-address.js";
import { getDeployment } from "./get.js";
import type { DeploymentDetail } from "./present.js";

/**
 * A new deployment of the same commit with the same configuration and env
 * vars (opened and sealed again for the new row). When the
 * original never got as far as recording a commit, the branch head is built.
 * The repository policy is applied again: a server that has since turned
 * ALLOW_LOCAL_REPOS off no longer builds local repositories.
 */
export async function redeployDeployment(deps: DeploymentDeps, userId: string, id: string): Promise<DeploymentDetail> {
  const source = await findOwnedDeployment(deps.db, userId, id, {
    projectId: true,
    repository: true,
    branch: true,
    commitHash: true,
    commitMessage: true,
    author: true,
    ...buildConfigSelect,
    envVarsEncrypted: true,
    pullRequestNumber: true,
    target: true,
    project: { select: { slug: true, githubRepoId: true } },
  });
  // A repository of the user's GitHub App installation is under GITHUB_URL, the operator's own setting (trusted as on create).
  const fromGitHub = source.project.githubRepoId !== null && source.repository.startsWith(`${deps.env.GITHUB_URL}/`);
  if (!fromGitHub) {
    resolveRepository(deps.env, source.repository);
    await checkRepositoryAddress(source.repository, { allowPrivate: deps.env.ALLOW_PRIVATE_NETWORK_REPOS, unresolvedOk: true });
  }
  // A preview's redeploy stays that pull request's preview (never production: a fork's code must not get there by a click).
  const { project, branch, envVarsEncrypted, target, ...config } = source;
  // Opened here and sealed again for the new row: a sealed value opens only in the row it was made for.
  let envVars;
  try {
    envVars = openEnvVars(deps.env, envVarsEncrypted, { deploymentId: id });
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    throw new ConflictError("This deployment's environment variables can no longer be decrypted (the server's encryption key changed): deploy again with them");
  }
  const newId = await withUniqueRetry(() =>
    deps.db.$transaction((tx) => insertQueuedDeployment(tx, deps.env, { userId, projectSlug: project.slug, branch: branch ?? "main", ...config, target: target === "preview" ? "preview" : "production", envVars })),
  );
  deps.log?.info({ userId, deploymentId: newId, redeployOf: id }, "deployment queued (redeploy)");
  return getDeployment(deps, userId, newId);
}

import type { DeploymentDeps } from "./access.js";
import type { BuildConfig } from "./build-config.js";
import { insertQueuedDeployment, resolveRepository, withUniqueRetry } from "./enqueue.js";
import type { EnvVar } from "../../domain/deployments/env-vars-input.js";
import { sealEnvVars } from "./env-vars.js";
import { getDeployment } from "./get.js";
import { githubDeployRepository } from "../github/deploy-repository.js";
import { checkBeforeQueueing } from "./repository-check.js";
import type { NodeMajor } from "../../domain/deployments/node-majors.js";
import type { DeploymentDetail } from "./present.js";
import { newProjectSlug } from "./slugs.js";

/** The validated form of POST /deployments (schemas/deployment.ts). */
export interface CreateDeploymentInput extends Omit<BuildConfig, "nodeVersion"> {
  repository: string;
  branch: string;
  /** Null or omitted: automatic (package.json engines.node, else 20). */
  nodeVersion?: NodeMajor | null;
  envVars: EnvVar[];
  /** A project setting: serve index.html for extensionless paths that match no file (omitted: unchanged). */
  spaFallback?: boolean;
}

/**
 * One transaction: the project (one per user and repository; its settings
 * become this request's), the queued deployment with a snapshot of the
 * configuration and sealed env vars, its stages and its build job.
 */
export async function createDeployment(deps: DeploymentDeps, userId: string, input: CreateDeploymentInput): Promise<DeploymentDetail> {
  // owner/name: a repository of the user's GitHub App installation (GITHUB_URL is the operator's, not checked).
  const github = await githubDeployRepository(deps, userId, input.repository);
  const repo = github ?? resolveRepository(deps.env, input.repository);
  // Does the repository answer, with this branch? Before the quota is charged or a project written.
  if (!github) await checkBeforeQueueing(deps, { repository: repo.url, branch: input.branch });
  const githubLink = github ? { githubRepoId: github.githubRepoId, githubInstallationId: github.githubInstallationId } : {};
  const config = {
    branch: input.branch,
    buildCommand: input.buildCommand,
    installCommand: input.installCommand,
    outputDir: input.outputDir,
    rootDirectory: input.rootDirectory,
    nodeVersion: input.nodeVersion ?? null,
  };
  const id = await withUniqueRetry(() =>
    deps.db.$transaction(async (tx) => {
      const project = await tx.project.upsert({
        where: { userId_repository: { userId, repository: repo.url } },
        create: { userId, repository: repo.url, name: repo.name, slug: newProjectSlug(repo.name), ...config, ...githubLink, spaFallback: input.spaFallback ?? false },
        update: { ...config, ...githubLink, spaFallback: input.spaFallback },
        select: { id: true, slug: true },
      });
      // Sealed for the project's row once its id is known (a new project gets it from the upsert).
      await tx.project.update({ where: { id: project.id }, data: { envVars: sealEnvVars(deps.env, input.envVars, { projectId: project.id }) } });
      return insertQueuedDeployment(tx, deps.env, { userId, projectId: project.id, projectSlug: project.slug, repository: repo.url, ...config, envVars: input.envVars });
    }),
  );
  deps.log?.info({ userId, deploymentId: id }, "deployment queued");
  return getDeployment(deps, userId, id);
}

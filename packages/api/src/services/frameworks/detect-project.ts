import type { Deps } from "../deps.js";
import { AppError } from "../../errors.js";
import { resolveRepository } from "../deployments/enqueue.js";
import { checkRepositoryAddress, pinnedGitConfig } from "../deployments/repository-address.js";
import { repositoryReadAccess } from "../github/clone-access.js";
import { githubDeployRepository } from "../github/deploy-repository.js";
import { consumeRateLimit } from "../rate-limit.js";
import { detectFramework, type Detection } from "./detect.js";
import { readRepositoryView } from "./repository-files.js";
import { createSlots } from "./slots.js";

// deployment.detect: the deploy form's suggestions for a repository, branch
// and root directory. The repository passes the very policy deployment
// creation applies (resolveRepository: GitHub references, ALLOW_LOCAL_REPOS;
// public hosts only, and the clone pinned to the address checked),
// each user gets a number of detections a minute, and the process runs at
// most MAX_CONCURRENT_DETECTIONS git clones at once.

export const MAX_CONCURRENT_DETECTIONS = 4;
export const DETECTIONS_PER_MINUTE = 30;

const slots = createSlots({
  limit: MAX_CONCURRENT_DETECTIONS,
  maxWaitMs: 10_000,
  maxWaiting: 32,
  busyMessage: "The server is inspecting too many repositories right now; try again in a few seconds",
});

export interface DetectProjectInput {
  repository: string;
  branch: string;
  rootDirectory: string | null;
}

export async function detectProject(deps: Pick<Deps, "db" | "env">, userId: string, input: DetectProjectInput): Promise<Detection> {
  // owner/name: a repository of the user's GitHub App installation, read with a token for it (GITHUB_URL is trusted).
  const github = await githubDeployRepository(deps, userId, input.repository);
  const repo = github ?? resolveRepository(deps.env, input.repository);
  await consumeRateLimit(deps.db, {
    key: `detect:${userId}`,
    limit: DETECTIONS_PER_MINUTE,
    windowSeconds: 60,
    message: `At most ${DETECTIONS_PER_MINUTE} framework detections per minute`,
  });
  const access = github
    ? await repositoryReadAccess(deps.env, github.githubInstallationId, github.githubRepoId).catch((error: unknown) => {
        throw new AppError("GITHUB_UNAVAILABLE", 502, `GitHub did not let us read ${github.name}: ${error instanceof Error ? error.message : "no token"}`);
      })
    : null;
  const pin = github ? null : await checkRepositoryAddress(repo.url, { allowPrivate: deps.env.ALLOW_PRIVATE_NETWORK_REPOS });
  const source = { url: repo.url, branch: input.branch, rootDirectory: input.rootDirectory, gitConfig: pinnedGitConfig(pin) };
  const view = await slots.run(() => readRepositoryView({ ...source, cloneEnv: access?.gitEnv, allowHttp: access?.allowHttp }));
  return detectFramework(view);
}

import type { Deps } from "../deps.js";
import { resolveRepository } from "../deployments/enqueue.js";
import { checkRepositoryAddress, pinnedGitConfig } from "../deployments/repository-address.js";
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
  const repo = resolveRepository(deps.env, input.repository);
  await consumeRateLimit(deps.db, {
    key: `detect:${userId}`,
    limit: DETECTIONS_PER_MINUTE,
    windowSeconds: 60,
    message: `At most ${DETECTIONS_PER_MINUTE} framework detections per minute`,
  });
  const pin = await checkRepositoryAddress(repo.url, { allowPrivate: deps.env.ALLOW_PRIVATE_NETWORK_REPOS });
  const view = await slots.run(() => readRepositoryView({ url: repo.url, branch: input.branch, rootDirectory: input.rootDirectory, gitConfig: pinnedGitConfig(pin) }));
  return detectFramework(view);
}

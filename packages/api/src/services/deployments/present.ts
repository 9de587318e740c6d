import type { Prisma } from "@autostack/db";
import type { Env } from "../../env.js";
import { buildConfigSelect } from "./build-config.js";
import { envVarNames } from "./env-vars.js";
import { isNodeMajor, type NodeMajor } from "../../domain/deployments/node-majors.js";
import {
  asStatus,
  formatDuration,
  STAGE_LABELS,
  STAGE_ORDER,
  type DeploymentStatus,
  type StageLabel,
  type StageName,
  type StageStatus,
} from "../../domain/deployments/status.js";
import { siteUrl } from "./urls.js";

// Rows → the shapes the spec shows. Timestamps are ISO strings (REST and
// tRPC alike); env var values never leave the table, only their names.

type PresentEnv = Pick<Env, "APP_DOMAIN" | "CDN_URL" | "httpsOnly" | "ENCRYPTION_KEY" | "JWT_SECRET">;

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export const listItemSelect = {
  id: true,
  status: true,
  branch: true,
  author: true,
  commitHash: true,
  buildDuration: true,
  createdAt: true,
  slug: true,
  project: { select: { name: true, slug: true } },
} satisfies Prisma.DeploymentSelect;

export interface DeploymentListItem {
  id: string;
  repo: string;
  branch: string;
  status: DeploymentStatus;
  author: string | null;
  /** Short hash (7 characters). */
  commit: string | null;
  duration: string | null;
  timestamp: string;
  /** The deployment's own URL, once it succeeded. */
  url: string | null;
}

export function toListItem(env: PresentEnv, row: Prisma.DeploymentGetPayload<{ select: typeof listItemSelect }>): DeploymentListItem {
  const status = asStatus(row.status);
  return {
    id: row.id,
    repo: row.project.name,
    branch: row.branch ?? "",
    status,
    author: row.author,
    commit: row.commitHash?.slice(0, 7) ?? null,
    duration: formatDuration(row.buildDuration),
    timestamp: row.createdAt.toISOString(),
    url: status === "success" ? siteUrl(env, row.slug) : null,
  };
}

export interface StageView {
  name: StageLabel;
  status: StageStatus;
  timestamp: string | null;
}

const stageStatuses: StageStatus[] = ["pending", "in_progress", "completed", "failed"];

export function toStages(rows: { stageName: string; status: string; startedAt: Date | null; completedAt: Date | null; createdAt: Date }[]): StageView[] {
  return rows
    .filter((row) => row.stageName in STAGE_LABELS)
    .sort((a, b) => STAGE_ORDER.indexOf(a.stageName as StageName) - STAGE_ORDER.indexOf(b.stageName as StageName) || a.createdAt.getTime() - b.createdAt.getTime())
    .map((row) => ({
      name: STAGE_LABELS[row.stageName as StageName],
      status: stageStatuses.includes(row.status as StageStatus) ? (row.status as StageStatus) : "pending",
      timestamp: iso(row.startedAt ?? row.completedAt),
    }));
}

export const detailSelect = {
  ...listItemSelect,
  repository: true,
  commitMessage: true,
  ...buildConfigSelect,
  envVarsEncrypted: true,
  errorMessage: true,
  cancelRequestedAt: true,
  target: true,
  pullRequestNumber: true,
  startedAt: true,
  completedAt: true,
  project: { select: { name: true, slug: true, productionDeploymentId: true, spaFallback: true } },
  stages: { select: { stageName: true, status: true, startedAt: true, completedAt: true, createdAt: true } },
} satisfies Prisma.DeploymentSelect;

export type DetailRow = Prisma.DeploymentGetPayload<{ select: typeof detailSelect }>;

export interface DeploymentDetail {
  id: string;
  repo: string;
  branch: string;
  status: DeploymentStatus;
  timestamp: string;
  url: string | null;
  duration: string | null;
  /** The full repository reference (URL) the deployment was built from. */
  repository: string;
  /** The project's production URL, once any of its deployments succeeded. */
  productionUrl: string | null;
  isProduction: boolean;
  /** "preview": a pull request's deployment (pullRequest), which never becomes production. */
  target: "production" | "preview";
  pullRequest: number | null;
  stages: StageView[];
  commit: { hash: string | null; message: string | null; author: string | null };
  buildCommand: string;
  installCommand: string | null;
  outputDir: string;
  rootDirectory: string | null;
  /** The Node.js major this deployment was configured with; null: automatic (engines.node, else 20). */
  nodeVersion: NodeMajor | null;
  /** The project serves index.html for extensionless paths that match no file (client-side routing). */
  spaFallback: boolean;
  /** Names only; null when they can no longer be decrypted (key changed). */
  envVarNames: string[] | null;
  errorMessage: string | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export function toDetail(env: PresentEnv, row: DetailRow): DeploymentDetail {
  const { id, repo, branch, status, timestamp, url, duration } = toListItem(env, row);
  return {
    id,
    repo,
    branch,
    status,
    timestamp,
    url,
    duration,
    repository: row.repository,
    productionUrl: row.project.productionDeploymentId ? siteUrl(env, row.project.slug) : null,
    isProduction: row.project.productionDeploymentId === row.id,
    target: row.target === "preview" ? "preview" : "production",
    pullRequest: row.pullRequestNumber,
    stages: toStages(row.stages),
    commit: { hash: row.commitHash, message: row.commitMessage, author: row.author },
    buildCommand: row.buildCommand,
    installCommand: row.installCommand,
    outputDir: row.outputDir,
    rootDirectory: row.rootDirectory,
    nodeVersion: isNodeMajor(row.nodeVersion) ? row.nodeVersion : null,
    spaFallback: row.project.spaFallback,
    envVarNames: envVarNames(env, row.envVarsEncrypted, { deploymentId: row.id }),
    errorMessage: row.errorMessage,
    cancelRequested: row.cancelRequestedAt !== null,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
  };
}

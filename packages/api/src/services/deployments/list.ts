import type { Prisma } from "@autostack/db";
import type { DeploymentDeps } from "./access.js";
import { listItemSelect, toListItem, type DeploymentListItem } from "./present.js";
import { statusesFor, type StatusFilter } from "../../domain/deployments/status.js";

export interface ListDeploymentsQuery {
  search?: string;
  status: StatusFilter;
  page: number;
  limit: number;
}

export interface DeploymentList {
  deployments: DeploymentListItem[];
  pagination: { currentPage: number; totalPages: number; totalItems: number };
}

export const RECENT_LIMIT = 5;

// Prisma's `contains` passes % and _ through to ILIKE as wildcards.
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

function whereFor(userId: string, query: Pick<ListDeploymentsQuery, "search" | "status">): Prisma.DeploymentWhereInput {
  const statuses = statusesFor(query.status);
  const search = query.search?.trim();
  const pattern = search ? escapeLike(search) : undefined;
  return {
    userId,
    ...(statuses ? { status: { in: statuses } } : {}),
    ...(pattern
      ? {
          OR: [
            { repository: { contains: pattern, mode: "insensitive" } },
            { project: { name: { contains: pattern, mode: "insensitive" } } },
          ],
        }
      : {}),
  };
}

/** The Deployments page: newest first; search matches the repository URL or project name. */
export async function listDeployments(deps: DeploymentDeps, userId: string, query: ListDeploymentsQuery): Promise<DeploymentList> {
  const where = whereFor(userId, query);
  const [totalItems, rows] = await Promise.all([
    deps.db.deployment.count({ where }),
    deps.db.deployment.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.limit,
      take: query.limit,
      select: listItemSelect,
    }),
  ]);
  return {
    // Prisma loads the project with a second query: one deleted in between (the
    // account being deleted by a request running at the same time) is null.
    deployments: rows.filter((row) => (row.project as typeof row.project | null) !== null).map((row) => toListItem(deps.env, row)),
    // An empty list still has one (empty) page, so "page 1 of 1" reads right.
    pagination: { currentPage: query.page, totalPages: Math.max(1, Math.ceil(totalItems / query.limit)), totalItems },
  };
}

/** The dashboard's recent deployments: the five newest. */
export async function recentDeployments(deps: DeploymentDeps, userId: string): Promise<{ deployments: DeploymentListItem[] }> {
  const rows = await deps.db.deployment.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: RECENT_LIMIT,
    select: listItemSelect,
  });
  return { deployments: rows.map((row) => toListItem(deps.env, row)) };
}

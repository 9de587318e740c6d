import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@autostack/api";

// What the pages receive: the procedures' outputs, as the loaders and the
// WebSocket client both deliver them (types only; no server code).

type Outputs = inferRouterOutputs<AppRouter>["deployment"];

export type Deployment = Outputs["get"];
export type DeploymentListRow = Outputs["list"]["deployments"][number];
export type DeploymentList = Outputs["list"];
export type LogPageData = Outputs["logs"];
export type Detection = Outputs["detect"];

type GitHubOutputs = inferRouterOutputs<AppRouter>["github"];

export type GitHubRepository = GitHubOutputs["repos"]["repositories"][number];
export type GitHubBranch = GitHubOutputs["branches"]["branches"][number];

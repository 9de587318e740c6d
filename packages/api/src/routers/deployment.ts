import { tracked } from "@trpc/server";
import { z } from "zod";
import {
  createDeploymentInput,
  deploymentDetailOutput,
  deploymentEventsInput,
  deploymentIdInput,
  deploymentListOutput,
  deploymentLogsInput,
  detectDeploymentInput,
  detectionOutput,
  listDeploymentsInput,
  logPageOutput,
  logStreamInput,
  recentDeploymentsOutput,
  statusStreamInput,
} from "../schemas/deployment.js";
import { successOutput } from "../schemas/outputs.js";
import { checkRepositoryInput, checkRepositoryOutput } from "../schemas/repository-check.js";
import { cancelDeployment } from "../services/deployments/cancel.js";
import { createDeployment } from "../services/deployments/create.js";
import { getDeployment } from "../services/deployments/get.js";
import { listDeployments, recentDeployments } from "../services/deployments/list.js";
import { readLogPage } from "../services/deployments/logs.js";
import { redeployDeployment } from "../services/deployments/redeploy.js";
import { removeDeployment } from "../services/deployments/remove.js";
import { checkRepositoryFor } from "../services/deployments/repository-check.js";
import { detectProject } from "../services/frameworks/detect-project.js";
import { openDeploymentEvents, type DeploymentStreamItem } from "../services/deployments/event-stream.js";
import { createTRPCRouter, protectedProcedure } from "../trpc.js";

// Deployments: thin wiring of services/deployments. REST paths are the
// spec's. trpc-to-openapi matches routes in the order procedures appear, so
// `recent` and `detect` stay above `get` (GET /deployments/recent must not be
// read as /deployments/{id}; an id that is not a UUID would be a 422 anyway).
// Subscriptions have no REST face. All three adapt the deployment's one
// event stream (services/deployments/event-stream.ts): `events` is all of it,
// tracked by event id, so a client resuming with lastEventId gets each missed
// event once (the raw WebSocket /api/deployments/:id/logs/stream is this
// procedure too); `logs` its lines (tracked by line id) and `status` its
// status snapshots, as the web UI reads them. `logPage` is the paginated
// query behind GET /deployments/{id}/logs.

const tags = ["deployments"];

async function* trackedEvents(source: AsyncGenerator<DeploymentStreamItem>) {
  for await (const { id, event } of source) yield tracked(id, event);
}

async function* trackedLines(source: AsyncGenerator<DeploymentStreamItem>) {
  for await (const { id, event } of source) {
    if (event.type !== "log") continue;
    const { type: _type, ...line } = event;
    yield tracked(id, line);
  }
}

async function* statusSnapshots(source: AsyncGenerator<DeploymentStreamItem>) {
  for await (const { event } of source) {
    if (event.type !== "status") continue;
    const { type: _type, ...snapshot } = event;
    yield snapshot;
  }
}

export const deploymentRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/deployments", tags, protect: true, summary: "List deployments (search, status filter, pages)" } })
    .input(listDeploymentsInput)
    .output(deploymentListOutput)
    .query(({ ctx, input }) => listDeployments(ctx, ctx.auth.user.id, input)),

  recent: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/deployments/recent", tags, protect: true, summary: "The five newest deployments" } })
    .input(z.object({}).optional())
    .output(recentDeploymentsOutput)
    .query(({ ctx }) => recentDeployments(ctx, ctx.auth.user.id)),

  detect: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/deployments/detect",
        tags,
        protect: true,
        summary: "Suggested build settings for a repository (framework, package manager, Node.js version), read without checking it out",
      },
    })
    .input(detectDeploymentInput)
    .output(detectionOutput)
    .query(({ ctx, input }) => detectProject(ctx, ctx.auth.user.id, input)),

  checkRepository: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/deployments/check-repository",
        tags,
        protect: true,
        summary: "Check that a repository answers and has the branch (git ls-remote), before anything is queued",
      },
    })
    .input(checkRepositoryInput)
    .output(checkRepositoryOutput)
    .mutation(({ ctx, input }) => checkRepositoryFor(ctx, ctx.auth.user.id, input)),

  create: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/deployments", tags, protect: true, summary: "Queue a deployment of a Git repository" } })
    .input(createDeploymentInput)
    .output(deploymentDetailOutput)
    .mutation(({ ctx, input }) => createDeployment(ctx, ctx.auth.user.id, input)),

  get: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/deployments/{id}", tags, protect: true, summary: "A deployment with its stages and URL" } })
    .input(deploymentIdInput)
    .output(deploymentDetailOutput)
    .query(({ ctx, input }) => getDeployment(ctx, ctx.auth.user.id, input.id)),

  remove: protectedProcedure
    .meta({ openapi: { method: "DELETE", path: "/deployments/{id}", tags, protect: true, summary: "Delete a deployment, its logs and its artifact" } })
    .input(deploymentIdInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      await removeDeployment(ctx, ctx.auth.user.id, input.id);
      return { success: true as const, message: "Deployment deleted" };
    }),

  logPage: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/deployments/{id}/logs", tags, protect: true, summary: "Build log lines, a page at a time" } })
    .input(deploymentLogsInput)
    .output(logPageOutput)
    .query(({ ctx, input }) => readLogPage(ctx, ctx.auth.user.id, input.id, input)),

  cancel: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/deployments/{id}/cancel", tags, protect: true, summary: "Cancel a queued or running deployment" } })
    .input(deploymentIdInput)
    .output(deploymentDetailOutput)
    .mutation(({ ctx, input }) => cancelDeployment(ctx, ctx.auth.user.id, input.id)),

  redeploy: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/deployments/{id}/redeploy", tags, protect: true, summary: "Deploy the same commit and configuration again" } })
    .input(deploymentIdInput)
    .output(deploymentDetailOutput)
    .mutation(({ ctx, input }) => redeployDeployment(ctx, ctx.auth.user.id, input.id)),

  events: protectedProcedure
    .input(deploymentEventsInput)
    .subscription(async ({ ctx, input, signal }) => trackedEvents(await openDeploymentEvents(ctx, ctx.auth.user.id, input, { signal }))),

  logs: protectedProcedure
    .input(logStreamInput)
    .subscription(async ({ ctx, input, signal }) => trackedLines(await openDeploymentEvents(ctx, ctx.auth.user.id, input, { signal }))),

  status: protectedProcedure
    .input(statusStreamInput)
    .subscription(async ({ ctx, input, signal }) =>
      statusSnapshots(await openDeploymentEvents(ctx, ctx.auth.user.id, { deploymentId: input.deploymentId }, { signal, logs: false })),
    ),
});

import { z } from "zod";
import { successOutput } from "../schemas/outputs.js";
import {
  githubBranchesInput,
  githubBranchesOutput,
  githubConnectionOutput,
  githubConnectionStatusOutput,
  githubConnectOutput,
  githubReposOutput,
} from "../schemas/github.js";
import { connectUrl, disconnect, getConnection } from "../services/github/connection.js";
import { listBranches, listRepositories } from "../services/github/repositories.js";
import { createTRPCRouter, protectedProcedure } from "../trpc.js";

// The GitHub App connection and the installation's repositories. Connecting
// finishes at GET /api/github/setup (a redirect route in apps/web).

const noInput = z.object({}).optional();

export const githubRouter = createTRPCRouter({
  connect: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/github/connect", tags: ["github"], protect: true } })
    .input(noInput)
    .output(githubConnectOutput)
    .mutation(({ ctx }) => connectUrl(ctx, ctx.auth.user.id)),

  connection: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/github/connection", tags: ["github"], protect: true } })
    .input(noInput)
    .output(githubConnectionOutput)
    .query(({ ctx }) => getConnection(ctx, ctx.auth.user.id)),

  connectionStatus: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/github/connection-status", tags: ["github"], protect: true } })
    .input(noInput)
    .output(githubConnectionStatusOutput)
    .query(async ({ ctx }) => {
      const { connected, username } = await getConnection(ctx, ctx.auth.user.id);
      return { connected, username };
    }),

  disconnect: protectedProcedure
    .meta({ openapi: { method: "DELETE", path: "/github/disconnect", tags: ["github"], protect: true } })
    .input(noInput)
    .output(successOutput)
    .mutation(({ ctx }) => disconnect(ctx, ctx.auth.user.id)),

  repos: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/github/repos", tags: ["github"], protect: true } })
    .input(noInput)
    .output(githubReposOutput)
    .query(async ({ ctx }) => ({ repositories: await listRepositories(ctx, ctx.auth.user.id) })),

  branches: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/github/repos/{repo}/branches", tags: ["github"], protect: true } })
    .input(githubBranchesInput)
    .output(githubBranchesOutput)
    .query(async ({ ctx, input }) => ({ branches: await listBranches(ctx, ctx.auth.user.id, input.repo) })),
});

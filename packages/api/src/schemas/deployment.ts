import { z } from "zod";
import { parseEnvVars, type EnvVar } from "../domain/deployments/env-vars-input.js";
import { isDeploymentEventId } from "../domain/deployments/event-stream-ids.js";
import { DEPLOYMENT_STATUSES, STAGE_LABELS, STATUS_FILTERS } from "../domain/deployments/status.js";
import { NODE_MAJORS } from "../domain/deployments/node-majors.js";
import { FRAMEWORK_IDS } from "../services/frameworks/presets.js";
import { checkBranchName, checkCommand, COMMAND_MAX, normalizeRelativePath, parseRepository } from "../domain/deployments/validation.js";

// Deployment inputs (shared with the deploy form) and outputs (the REST
// document). The rules themselves live in services/deployments/validation.ts
// and env-vars-input.ts; these schemas attach their messages to fields, e.g.
// {"repository": "...", "envVars.3": "..."} in the 422 envelope.

export const deploymentIdSchema = z.uuid("Must be a deployment ID");

/** Syntax only; the server also applies GitHub and ALLOW_LOCAL_REPOS policy. */
export const repositorySchema = z.string({ error: "Repository is required" }).transform((value, ctx) => {
  const parsed = parseRepository(value);
  if (parsed.ok) return parsed.value.url;
  ctx.addIssue({ code: "custom", message: parsed.message });
  return z.NEVER;
});

export const branchSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = checkBranchName(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const commandSchema = z
  .string()
  .max(COMMAND_MAX, `Must be at most ${COMMAND_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = checkCommand(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => value.trim());

/** A directory inside the repository; "" and "." mean its root. */
export const relativePathSchema = z.string().transform((value, ctx) => {
  const result = normalizeRelativePath(value);
  if (result.ok) return result.value;
  ctx.addIssue({ code: "custom", message: result.message });
  return z.NEVER;
});

/**
 * The spec's text form ("KEY=VALUE\nKEY2=VALUE2", blank lines and # comments
 * allowed, values may be quoted), a list of {key, value}, or an object.
 * Errors name the line (0-based), index or key: `envVars.3`.
 */
export const envVarsSchema = z
  .union([
    z.string().max(200_000),
    z.array(z.object({ key: z.string().max(1000), value: z.string().max(100_000) })).max(1000),
    z.record(z.string().max(1000), z.string().max(100_000)),
  ])
  .transform((input, ctx): EnvVar[] => {
    const { vars, errors } = parseEnvVars(input);
    for (const [path, message] of errors) ctx.addIssue({ code: "custom", path: path === "" ? [] : [path], message });
    return errors.length ? z.NEVER : vars;
  });

export const nodeVersionSchema = z.enum(NODE_MAJORS, { error: `Must be one of ${NODE_MAJORS.join(", ")}, or null for automatic` });

export const createDeploymentInput = z.object({
  repository: repositorySchema,
  branch: branchSchema.default("main"),
  /** Empty: no build step (the output directory is served as committed). Omitted: the spec's default. */
  buildCommand: commandSchema.default("npm run build"),
  /** Omitted or null: detected from the lockfile; empty: no install step. */
  installCommand: commandSchema.nullish().transform((value) => value ?? null),
  outputDir: relativePathSchema.default("dist"),
  rootDirectory: relativePathSchema
    .nullish()
    .transform((value) => (value === undefined || value === null || value === "." ? null : value)),
  envVars: envVarsSchema.default([]),
  /** A single-page app: paths without an extension that match no file are answered with index.html (a project setting). */
  spaFallback: z.boolean({ error: "Must be true or false" }).default(false),
  /** The Node.js major builds run on. Omitted or null: automatic (package.json engines.node, else 20). */
  nodeVersion: nodeVersionSchema.nullish().transform((value) => value ?? null),
});
export type CreateDeploymentRequest = z.input<typeof createDeploymentInput>;

/** GET /deployments/detect: what the form would suggest for a repository, branch and root directory. */
export const detectDeploymentInput = z.object({
  repository: repositorySchema,
  branch: branchSchema.default("main"),
  rootDirectory: relativePathSchema
    .nullish()
    .transform((value) => (value === undefined || value === null || value === "." ? null : value)),
});

export const deploymentIdInput = z.object({ id: deploymentIdSchema });

export const statusFilterSchema = z.enum(STATUS_FILTERS);

// Query strings arrive as text: numbers coerce explicitly (see the REST server).
export const listDeploymentsInput = z
  .object({
    // PostgreSQL text cannot hold NUL: the query itself would fail.
    search: z.string().trim().max(255).refine((value) => !value.includes("\u0000"), "Must not contain NUL characters").optional(),
    status: statusFilterSchema.default("all"),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .prefault({});

// A seq is a PostgreSQL bigint: 19 digits can still exceed it, and must be a 422, not a failed query.
const MAX_SEQ = 2n ** 63n - 1n;
const logCursorSchema = z
  .string()
  .regex(/^\d{1,19}$/, "Must be a log line id")
  .refine((value) => !/^\d{1,19}$/.test(value) || BigInt(value) <= MAX_SEQ, "Must be a log line id");

export const deploymentLogsInput = z
  .object({
    id: deploymentIdSchema,
    cursor: logCursorSchema.optional(),
    before: logCursorSchema.optional(),
    direction: z.enum(["forward", "backward"]).default("forward"),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine((v) => v.cursor === undefined || v.before === undefined, { path: ["before"], message: "Use either cursor or before" });

export const logStreamInput = z.object({ deploymentId: deploymentIdSchema, lastEventId: logCursorSchema.nullish() });
/** Any id the deployment's event stream emitted (a log line's, a status's, the completion's). */
export const deploymentEventIdSchema = z.string().refine(isDeploymentEventId, "Must be an event id of this deployment's stream");
export const deploymentEventsInput = z.object({ deploymentId: deploymentIdSchema, lastEventId: deploymentEventIdSchema.nullish() });
export const statusStreamInput = z.object({ deploymentId: deploymentIdSchema });

/* --------------------------------------------------------------------- outputs */

export const deploymentStatusSchema = z.enum(DEPLOYMENT_STATUSES);
const timestamp = z.string().describe("ISO 8601");

export const deploymentListItemOutput = z.object({
  id: z.string(),
  repo: z.string(),
  branch: z.string(),
  status: deploymentStatusSchema,
  author: z.string().nullable(),
  commit: z.string().nullable(),
  duration: z.string().nullable(),
  timestamp,
  url: z.string().nullable(),
});

export const deploymentListOutput = z.object({
  deployments: z.array(deploymentListItemOutput),
  pagination: z.object({ currentPage: z.number().int(), totalPages: z.number().int(), totalItems: z.number().int() }),
});

export const recentDeploymentsOutput = z.object({ deployments: z.array(deploymentListItemOutput) });

export const stageOutput = z.object({
  name: z.enum(Object.values(STAGE_LABELS) as [string, ...string[]]),
  status: z.enum(["pending", "in_progress", "completed", "failed"]),
  timestamp: timestamp.nullable(),
});

export const deploymentDetailOutput = z.object({
  id: z.string(),
  repo: z.string(),
  repository: z.string(),
  branch: z.string(),
  status: deploymentStatusSchema,
  timestamp,
  url: z.string().nullable(),
  productionUrl: z.string().nullable(),
  isProduction: z.boolean(),
  target: z.enum(["production", "preview"]).describe("preview: a pull request's deployment, never production"),
  pullRequest: z.number().int().nullable().describe("The pull request a preview builds"),
  stages: z.array(stageOutput),
  commit: z.object({ hash: z.string().nullable(), message: z.string().nullable(), author: z.string().nullable() }),
  buildCommand: z.string(),
  installCommand: z.string().nullable(),
  outputDir: z.string(),
  rootDirectory: z.string().nullable(),
  nodeVersion: z.enum(NODE_MAJORS).nullable().describe("null: automatic (package.json engines.node, else 20)"),
  spaFallback: z.boolean(),
  envVarNames: z.array(z.string()).nullable(),
  duration: z.string().nullable(),
  errorMessage: z.string().nullable(),
  cancelRequested: z.boolean(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
});

export const detectionOutput = z.object({
  framework: z.object({ id: z.enum(FRAMEWORK_IDS), name: z.string() }).nullable(),
  buildCommand: z.string().describe("The package manager's run form of the build script; empty: no build step"),
  installCommand: z.string().describe("What the build will run to install dependencies (for display: leave installCommand null to let the build pick it); empty: nothing to install"),
  outputDir: z.string(),
  spaFallback: z.boolean(),
  packageManager: z.enum(["npm", "pnpm", "yarn", "bun"]),
  lockfile: z.string().nullable(),
  nodeVersion: z.object({ major: z.enum(NODE_MAJORS), reason: z.string() }).describe("What an automatic Node.js version resolves to"),
  notes: z.array(z.string()),
});

export const logLineOutput = z.object({
  id: z.string(),
  timestamp,
  level: z.enum(["info", "warning", "error"]),
  message: z.string(),
});

export const logPageOutput = z.object({ logs: z.array(logLineOutput), nextCursor: z.string().nullable() });

import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// The import boundaries of the root eslint.config.js (issue 10), checked
// through ESLint's own API: each deliberate violation must fail `pnpm lint`,
// and the permitted import next to it must pass, so a rule that silently
// stops matching (a renamed folder, a broken regex) is noticed.

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface Case {
  file: string;
  code: string;
}

const violations: Case[] = [
  { file: "packages/api/src/services/auth/x.ts", code: 'import type { Context } from "../../context.js";' },
  { file: "packages/api/src/services/x.ts", code: 'import { TRPCError } from "@trpc/server";' },
  { file: "packages/api/src/services/x.ts", code: 'import express from "express";' },
  { file: "packages/api/src/services/x.ts", code: 'import { WebSocketServer } from "ws";' },
  { file: "packages/api/src/services/x.ts", code: 'import { json } from "@remix-run/node";' },
  { file: "packages/api/src/services/x.ts", code: 'import { protectedProcedure } from "../trpc.js";' },
  { file: "packages/api/src/services/x.ts", code: 'export { authRouter } from "../routers/auth.js";' },
  { file: "apps/web/server/x.ts", code: 'import { createContext } from "@autostack/api/src/context.js";' },
  { file: "apps/web/server/x.ts", code: 'import { createContext } from "../../../packages/api/src/context.js";' },
  { file: "apps/web/server/x.ts", code: 'import { main } from "../../worker/src/index.js";' },
  { file: "apps/worker/src/tasks/x.ts", code: 'import { createCaller } from "@autostack/api";' },
  { file: "apps/worker/src/tasks/x.ts", code: 'import { signupInput } from "@autostack/api/schemas";' },
  { file: "packages/api/src/x.ts", code: 'import { app } from "../../../apps/web/server/app.js";' },
  { file: "packages/ui/src/x.ts", code: 'import { app } from "@autostack/web/server/app";' },
  { file: "packages/api/src/domain/deployments/x.ts", code: 'import { createDeployment } from "../../services/deployments/create.js";' },
  { file: "packages/api/src/domain/deployments/x.ts", code: 'import { deploymentIdSchema } from "../../schemas/deployment.js";' },
  { file: "packages/api/src/domain/deployments/x.ts", code: 'import { createHash } from "node:crypto";' },
];

const permitted: Case[] = [
  { file: "packages/api/src/services/auth/x.ts", code: 'import type { Deps } from "../deps.js";' },
  { file: "packages/api/src/services/auth/x.ts", code: 'import type { RequestInfo } from "../http-request.js";' },
  { file: "packages/api/src/routers/x.ts", code: 'import type { Context } from "../context.js";' },
  { file: "apps/web/server/x.ts", code: 'import { createContext } from "@autostack/api";' },
  { file: "apps/web/server/x.ts", code: 'import { loadEnv } from "@autostack/api/env";' },
  { file: "apps/worker/src/tasks/x.ts", code: 'import { createMailer } from "@autostack/api/services";' },
  { file: "apps/worker/src/tasks/x.test.ts", code: 'import { createCaller } from "@autostack/api";' },
  { file: "packages/api/src/domain/deployments/x.ts", code: 'import { isFinalStatus } from "./status.js";' },
  { file: "packages/api/src/schemas/x.ts", code: 'import { STAGE_LABELS } from "../domain/deployments/status.js";' },
];

describe("import boundaries (eslint.config.js)", () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: repoRoot });
  });

  // The imported name is used so only the import itself can be reported.
  async function restrictedImports({ file, code }: Case): Promise<string[]> {
    const name = /(?:import|export)(?: type)? \{? ?(\w+)/.exec(code)?.[1];
    const [result] = await eslint.lintText(`${code}\nexport const used = [${name}];\n`, { filePath: file });
    expect(result!.messages.filter((m) => m.ruleId !== "no-restricted-imports")).toEqual([]);
    return result!.messages.map((m) => m.message);
  }

  it.each(violations)("$file: $code fails", async (violation) => {
    expect(await restrictedImports(violation)).toHaveLength(1);
  });

  it.each(permitted)("$file: $code passes", async (allowed) => {
    expect(await restrictedImports(allowed)).toEqual([]);
  });
});

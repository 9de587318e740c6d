// Runs `prisma generate` without the schema-engine binary, which cannot be
// downloaded on air-gapped machines. Generate does not use the engine, but the
// CLI insists that the file exists (see ADR 0002).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
const result = spawnSync("prisma", ["generate", "--no-hints"], { stdio: "inherit", env, shell: false });
process.exit(result.status ?? 1);

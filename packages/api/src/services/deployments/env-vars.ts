import type { Env } from "../../env.js";
import { secretBoxFromEnv } from "../crypto/secret-box.js";
import type { EnvVar } from "../../domain/deployments/env-vars-input.js";

// Env vars at rest: one sealed JSON list of [key, value] pairs per deployment
// (and the project's latest). JSON rather than KEY=VALUE lines keeps values
// with newlines intact. The AES-GCM additional data binds each ciphertext to
// its purpose and to its row: a blob copied into another deployment's or
// project's row does not open there (whoever could write rows still cannot
// move one user's secrets into another user's build).

const PURPOSE = "autostack:deployment-env-vars";

type KeyEnv = Pick<Env, "ENCRYPTION_KEY" | "JWT_SECRET">;

/** The row a sealed value belongs to. */
export type EnvVarsRow = { deploymentId: string } | { projectId: string };

function additionalData(row: EnvVarsRow): string {
  return "deploymentId" in row ? `${PURPOSE}:deployment:${row.deploymentId}` : `${PURPOSE}:project:${row.projectId}`;
}

/** Null when there is nothing to store. */
export function sealEnvVars(env: KeyEnv, vars: EnvVar[], row: EnvVarsRow): string | null {
  if (vars.length === 0) return null;
  return secretBoxFromEnv(env).seal(JSON.stringify(vars.map((v) => [v.key, v.value])), additionalData(row));
}

/**
 * Decrypts for the build (worker) and for a redeploy's copy. Throws
 * SecretBoxError when the key changed or the value belongs to another row.
 * Values sealed before rows were bound (purpose only) still open.
 */
export function openEnvVars(env: KeyEnv, sealed: string | null, row: EnvVarsRow): EnvVar[] {
  if (!sealed) return [];
  const box = secretBoxFromEnv(env);
  let plaintext: string;
  try {
    plaintext = box.open(sealed, additionalData(row));
  } catch (error) {
    try {
      plaintext = box.open(sealed, PURPOSE);
    } catch {
      throw error;
    }
  }
  const pairs = JSON.parse(plaintext) as [string, string][];
  return pairs.map(([key, value]) => ({ key, value }));
}

/** Names only, for the detail page; null when the values cannot be decrypted any more. */
export function envVarNames(env: KeyEnv, sealed: string | null, row: EnvVarsRow): string[] | null {
  try {
    return openEnvVars(env, sealed, row).map((v) => v.key);
  } catch {
    return null;
  }
}

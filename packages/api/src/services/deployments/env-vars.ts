import type { Env } from "../../env.js";
import { secretBoxFromEnv } from "../crypto/secret-box.js";
import type { EnvVar } from "./env-vars-input.js";

// Env vars at rest: one sealed JSON list of [key, value] pairs per deployment
// (and the project's latest). JSON rather than KEY=VALUE lines keeps values
// with newlines intact. The AAD ties the ciphertext to this purpose.

const PURPOSE = "autostack:deployment-env-vars";

type KeyEnv = Pick<Env, "ENCRYPTION_KEY" | "JWT_SECRET">;

/** Null when there is nothing to store. */
export function sealEnvVars(env: KeyEnv, vars: EnvVar[]): string | null {
  if (vars.length === 0) return null;
  return secretBoxFromEnv(env).seal(JSON.stringify(vars.map((v) => [v.key, v.value])), PURPOSE);
}

/** Decrypts for the build (worker only). Throws SecretBoxError when the key changed. */
export function openEnvVars(env: KeyEnv, sealed: string | null): EnvVar[] {
  if (!sealed) return [];
  const pairs = JSON.parse(secretBoxFromEnv(env).open(sealed, PURPOSE)) as [string, string][];
  return pairs.map(([key, value]) => ({ key, value }));
}

/** Names only, for the detail page; null when the values cannot be decrypted any more. */
export function envVarNames(env: KeyEnv, sealed: string | null): string[] | null {
  try {
    return openEnvVars(env, sealed).map((v) => v.key);
  } catch {
    return null;
  }
}

import { envVarsSchema } from "@autostack/api/schemas";

// Inline validation of the deploy form's env var textarea, with the schema
// the server parses it with. Issues come back keyed by 0-based line
// ("envVars.3"); the form shows them per line.

export interface EnvVarsCheck {
  /** Names of the valid variables, in order (values are secrets and never shown again). */
  names: string[];
  /** 1-based line → message; line 0 is about the whole set (too many, too large). */
  lineErrors: Map<number, string>;
}

/** "Line 3: PATH is reserved by the platform" for a field error of "envVars.2". */
export function envVarLineMessage(path: string, message: string): string {
  const index = /^envVars\.(\d+)$/.exec(path)?.[1];
  if (index === undefined || /^Line \d+:/.test(message)) return message;
  return `Line ${Number(index) + 1}: ${message}`;
}

export function checkEnvVars(text: string): EnvVarsCheck {
  const result = envVarsSchema.safeParse(text);
  if (result.success) return { names: result.data.map((v) => v.key), lineErrors: new Map() };
  const lineErrors = new Map<number, string>();
  for (const issue of result.error.issues) {
    const first = issue.path[0];
    const line = typeof first === "number" ? first + 1 : typeof first === "string" && /^\d+$/.test(first) ? Number(first) + 1 : 0;
    if (lineErrors.has(line)) continue;
    lineErrors.set(line, line === 0 ? issue.message : envVarLineMessage(`envVars.${line - 1}`, issue.message));
  }
  return { names: [], lineErrors };
}

import { createDeploymentInput, type NodeMajor } from "@autostack/api/schemas";
import { issuesToFields, stringField, type FieldErrors } from "../../lib/forms";

// The deploy wizard's fields → deployment.create's input, shared by the
// action (server) and the wizard's validation (browser), so both parse the
// very same object with the very same schema. (Relative imports: unit tests
// load this file without the ~ alias.)

export interface DeployValues {
  repository: string;
  branch: string;
  buildCommand: string;
  installCommand: string;
  outputDir: string;
  rootDirectory: string;
  envVars: string;
  /** "true" when the single-page-app box is checked (form values are strings). */
  spaFallback: string;
  /** "18", "20" or "22"; "": automatic (engines.node, else 20). */
  nodeVersion: string;
}

export const DEFAULT_VALUES: DeployValues = {
  repository: "",
  branch: "main",
  buildCommand: "npm run build",
  installCommand: "",
  outputDir: "dist",
  rootDirectory: "",
  envVars: "",
  spaFallback: "",
  nodeVersion: "",
};

export type DeployField = keyof DeployValues;
export type WizardStep = 1 | 2 | 3;

/** Step 1 says what to deploy (what detection reads), step 2 how to build it. */
export const STEP_FIELDS: Record<1 | 2, DeployField[]> = {
  1: ["repository", "branch", "rootDirectory"],
  2: ["buildCommand", "installCommand", "outputDir", "nodeVersion", "envVars", "spaFallback"],
};

export function valuesFromForm(form: FormData): DeployValues {
  const values = { ...DEFAULT_VALUES };
  for (const key of Object.keys(values) as DeployField[]) values[key] = stringField(form, key);
  return values;
}

/** Empty optional fields mean "not set" (install: detected from the lockfile; root: the repository's; Node.js: automatic). */
export function deployInput(values: DeployValues) {
  return {
    repository: values.repository,
    branch: values.branch,
    buildCommand: values.buildCommand,
    installCommand: values.installCommand.trim() === "" ? null : values.installCommand,
    outputDir: values.outputDir,
    rootDirectory: values.rootDirectory.trim() === "" ? null : values.rootDirectory,
    envVars: values.envVars,
    spaFallback: values.spaFallback === "true",
    // The schema checks the value; the cast only names what it accepts.
    nodeVersion: (values.nodeVersion === "" ? null : values.nodeVersion) as NodeMajor | null,
  };
}

/** The field a server or schema error path belongs to ("envVars.3" → envVars). */
export function fieldOf(path: string): DeployField | null {
  const head = path.split(".")[0] ?? "";
  return head in DEFAULT_VALUES ? (head as DeployField) : null;
}

/** The step that shows a field. */
export function stepOf(field: DeployField): 1 | 2 {
  return STEP_FIELDS[1].includes(field) ? 1 : 2;
}

/** The first step with an error, or null. */
export function firstStepWithError(fields: FieldErrors): 1 | 2 | null {
  let step: 1 | 2 | null = null;
  for (const path of Object.keys(fields)) {
    const field = fieldOf(path);
    if (!field) continue;
    const s = stepOf(field);
    if (step === null || s < step) step = s;
  }
  return step;
}

/** Schema errors of the whole form, keyed by path ("repository", "envVars.2"). */
export function validateDeploy(values: DeployValues): FieldErrors {
  const result = createDeploymentInput.safeParse(deployInput(values));
  return result.success ? {} : issuesToFields(result.error.issues);
}

/** The errors that belong to one step's fields. */
export function errorsOfStep(fields: FieldErrors, step: 1 | 2): FieldErrors {
  const result: FieldErrors = {};
  for (const [path, message] of Object.entries(fields)) {
    const field = fieldOf(path);
    if (field && stepOf(field) === step) result[path] = message;
  }
  return result;
}

/** One message per field: env var errors are folded into "Line N: …" lines of one field. */
export function fieldErrors(fields: FieldErrors): Partial<Record<DeployField, string>> {
  const result: Partial<Record<DeployField, string>> = {};
  for (const [path, message] of Object.entries(fields)) {
    const field = fieldOf(path);
    if (field && !result[field]) result[field] = message;
  }
  return result;
}

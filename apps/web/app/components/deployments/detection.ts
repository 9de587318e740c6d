import { envelopeOf } from "../../lib/api-errors";
import { formFailureOf } from "../../lib/form-errors";
import type { DeployField, DeployValues } from "./deploy-form";
import type { Detection } from "./types";

// What the deploy wizard makes of deployment.detect: the fields it fills in
// (never one the user edited), the line it shows, and how it describes the
// install step the build will pick. Pure, so unit tests load it directly.

/** Fields a detection fills in. Node.js stays "Automatic": the build resolves it the same way, from engines.node. */
export const DETECTED_FIELDS = ["buildCommand", "outputDir", "spaFallback"] as const satisfies readonly DeployField[];

/** What detection reads: a change to any of these calls for a new one. */
export function detectionKey(values: Pick<DeployValues, "repository" | "branch" | "rootDirectory">): string {
  return JSON.stringify([values.repository.trim(), values.branch.trim(), values.rootDirectory.trim()]);
}

export function detectionInput(values: Pick<DeployValues, "repository" | "branch" | "rootDirectory">) {
  return { repository: values.repository, branch: values.branch, rootDirectory: values.rootDirectory.trim() === "" ? null : values.rootDirectory };
}

/** The detected settings, for each field the user has not edited. */
export function applyDetection(values: DeployValues, edited: ReadonlySet<DeployField>, detection: Detection): DeployValues {
  const suggested: Pick<DeployValues, (typeof DETECTED_FIELDS)[number]> = {
    buildCommand: detection.buildCommand,
    outputDir: detection.outputDir,
    spaFallback: detection.spaFallback ? "true" : "",
  };
  const next = { ...values };
  for (const field of DETECTED_FIELDS) if (!edited.has(field)) next[field] = suggested[field];
  return next;
}

/** "Detected Vite · npm (no lockfile: npm install) · Node.js 22 from engines.node (>=18)". */
export function detectionHeadline(detection: Detection): string {
  const parts = [detection.framework ? `Detected ${detection.framework.name}` : "No framework detected"];
  if (detection.installCommand) {
    parts.push(detection.lockfile ? `${detection.packageManager} (${detection.lockfile})` : `${detection.packageManager} (no lockfile: ${detection.installCommand})`);
  }
  parts.push(`Node.js ${detection.nodeVersion.major} ${detection.nodeVersion.reason}`);
  return parts.join(" · ");
}

/** The install step of an empty install field: from the lockfile only when there is one. */
export function installDescription(detection: Detection | null): string {
  if (!detection) return "Picked from the lockfile, if there is one";
  if (!detection.installCommand) return "None (no package.json)";
  return detection.lockfile ? `Detected from the lockfile (${detection.installCommand})` : `${detection.installCommand} (no lockfile)`;
}

/** What "Automatic" means for this repository, once detected. */
export function automaticNodeLabel(detection: Detection | null): string {
  return detection ? `Automatic: Node.js ${detection.nodeVersion.major} ${detection.nodeVersion.reason}` : "Automatic: engines.node, else Node.js 20";
}

/** A failed detection's message: the field message (branch, repository, …) of the spec's envelope, else its message. */
export function detectionFailureMessage(error: unknown, fallback = "The repository could not be inspected."): string {
  const envelope = envelopeOf(error);
  if (!envelope) return fallback;
  const failure = formFailureOf(envelope);
  return Object.values(failure.fields)[0] ?? failure.formError ?? envelope.message;
}

import { describe, expect, it } from "vitest";
import {
  DEFAULT_VALUES,
  deployInput,
  errorsOfStep,
  fieldErrors,
  firstStepWithError,
  validateDeploy,
  valuesFromForm,
} from "../../app/components/deployments/deploy-form";
import {
  applyDetection,
  automaticNodeLabel,
  detectionFailureMessage,
  detectionHeadline,
  detectionInput,
  detectionKey,
  installDescription,
} from "../../app/components/deployments/detection";
import { checkEnvVars, envVarLineMessage } from "../../app/components/deployments/env-vars";
import type { Detection } from "../../app/components/deployments/types";
import { compareLogIds, formatClock, formatRelative } from "../../app/components/deployments/format";
import { listHref, parseListQuery } from "../../app/components/deployments/list-query";
import { appendNewer, prependOlder, visibleRange, type BufferedLine } from "../../app/components/deployments/log-buffer";
import { pageWindow } from "../../app/components/deployments/Pagination";
import { buildSteps } from "../../app/components/deployments/stages";

const line = (id: string): BufferedLine => ({ id, timestamp: "2026-01-01T00:00:00.000Z", level: "info", message: `line ${id}` });
const NOW = Date.parse("2026-11-25T12:00:00Z");

describe("log ids and the log buffer", () => {
  it("orders ids numerically, beyond 2^53", () => {
    expect(compareLogIds("9", "10")).toBeLessThan(0);
    expect(compareLogIds("9007199254740993", "9007199254740992")).toBeGreaterThan(0);
    expect(compareLogIds("42", "42")).toBe(0);
  });

  it("appends only lines after the last one, so a reconnect or a race never duplicates", () => {
    const lines = [line("1"), line("2")];
    expect(appendNewer(lines, [line("2"), line("3"), line("3"), line("4")])).toBe(2);
    expect(lines.map((l) => l.id)).toEqual(["1", "2", "3", "4"]);
  });

  it("prepends only lines before the first one", () => {
    const lines = [line("10"), line("11")];
    expect(prependOlder(lines, [line("8"), line("9"), line("10")]).map((l) => l.id)).toEqual(["8", "9", "10", "11"]);
    expect(prependOlder([], [line("1")]).map((l) => l.id)).toEqual(["1"]);
  });

  it("renders only the rows in view plus overscan", () => {
    expect(visibleRange(0, 400, 20, 100_000, 10)).toEqual([0, 31]);
    expect(visibleRange(20_000, 400, 20, 100_000, 10)).toEqual([990, 1031]);
    expect(visibleRange(1_999_990, 400, 20, 100_000, 10)).toEqual([99_989, 100_000]);
    expect(visibleRange(-50, 400, 20, 0, 10)).toEqual([0, 0]);
  });
});

describe("time formatting", () => {
  it("says how long ago, in words", () => {
    expect(formatRelative("2026-11-25T11:59:40Z", NOW)).toBe("just now");
    expect(formatRelative("2026-11-25T11:55:00Z", NOW)).toBe("5 minutes ago");
    expect(formatRelative("2026-11-25T09:00:00Z", NOW)).toBe("3 hours ago");
    expect(formatRelative("2026-11-24T10:00:00Z", NOW)).toBe("yesterday");
    expect(formatRelative("not a date", NOW)).toBe("");
  });

  it("formats the log's clock column in a given time zone", () => {
    expect(formatClock("2026-11-25T08:05:09.123Z", "UTC")).toBe("08:05:09");
  });
});

describe("stage progress", () => {
  const stage = (name: string, status: "pending" | "in_progress" | "completed" | "failed", timestamp: string | null = "2026-11-25T08:00:00Z") => ({ name, status, timestamp });

  it("shows a running build as done, active, pending", () => {
    const steps = buildSteps("building", [stage("Queued", "completed"), stage("Building", "in_progress")]);
    expect(steps.map((s) => [s.label, s.state])).toEqual([
      ["Queued", "done"],
      ["Building", "active"],
      ["Deploying", "pending"],
      ["Success", "pending"],
    ]);
  });

  it("marks where a build failed and skips what never ran", () => {
    const steps = buildSteps("failed", [stage("Queued", "completed"), stage("Building", "failed"), stage("Failed", "failed")]);
    expect(steps.map((s) => [s.label, s.state])).toEqual([
      ["Queued", "done"],
      ["Building", "failed"],
      ["Deploying", "skipped"],
      ["Failed", "failed"],
    ]);
  });

  it("shows a cancellation while building", () => {
    const steps = buildSteps("cancelled", [stage("Queued", "completed"), stage("Building", "in_progress"), stage("Cancelled", "completed")]);
    expect(steps.map((s) => s.state)).toEqual(["done", "cancelled", "skipped", "cancelled"]);
    expect(steps[3]!.label).toBe("Cancelled");
  });

  it("shows the stage a cancellation interrupted as cancelled, not failed (the API stores it as failed)", () => {
    const steps = buildSteps("cancelled", [stage("Queued", "completed"), stage("Building", "failed"), stage("Cancelled", "completed")]);
    expect(steps.map((s) => s.state)).toEqual(["done", "cancelled", "skipped", "cancelled"]);
  });

  it("completes every step on success", () => {
    const steps = buildSteps("success", [stage("Queued", "completed"), stage("Building", "completed"), stage("Deploying", "completed"), stage("Success", "completed")]);
    expect(steps.every((s) => s.state === "done")).toBe(true);
  });
});

describe("the list's URL state", () => {
  it("parses and falls back on bad values", () => {
    expect(parseListQuery(new URLSearchParams("search=%20app%20&status=failed&page=3&limit=25"))).toEqual({ search: "app", status: "failed", page: 3, limit: 25 });
    expect(parseListQuery(new URLSearchParams("status=weird&page=-1&limit=500"))).toEqual({ search: "", status: "all", page: 1, limit: 10 });
  });

  it("leaves defaults out of links", () => {
    const query = parseListQuery(new URLSearchParams("search=app&page=2"));
    expect(listHref(query)).toBe("/deployments?search=app&page=2");
    expect(listHref(query, { status: "building", page: 1 })).toBe("/deployments?search=app&status=building");
    expect(listHref(parseListQuery(new URLSearchParams()))).toBe("/deployments");
  });

  it("windows page numbers with gaps", () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 4)).toEqual([1, 2, 3, 4]);
    expect(pageWindow(6, 20)).toEqual([1, "gap", 5, 6, 7, "gap", 20]);
    expect(pageWindow(3, 20)).toEqual([1, 2, 3, 4, "gap", 20]);
  });
});

describe("the deploy form", () => {
  const values = { ...DEFAULT_VALUES, repository: "https://github.com/acme/site.git" };

  it("maps empty optional fields to null (detect / repository root)", () => {
    expect(deployInput(values)).toMatchObject({ installCommand: null, rootDirectory: null, branch: "main", buildCommand: "npm run build", outputDir: "dist" });
    expect(deployInput(values).spaFallback).toBe(false);
    expect(deployInput({ ...values, spaFallback: "true" }).spaFallback).toBe(true);
    expect(deployInput(values).nodeVersion).toBeNull();
    expect(deployInput({ ...values, nodeVersion: "22" }).nodeVersion).toBe("22");
    const form = new FormData();
    form.set("repository", "x");
    expect(valuesFromForm(form)).toMatchObject({ repository: "x", branch: "" });
  });

  it("validates with the API's schema and assigns errors to their steps", () => {
    expect(validateDeploy(values)).toEqual({});
    const errors = validateDeploy({ ...values, repository: "--upload-pack=touch /tmp/pwned", branch: "main; id", envVars: "OK=1\nPATH=/x" });
    expect(Object.keys(errors).sort()).toEqual(["branch", "envVars.1", "repository"]);
    expect(firstStepWithError(errors)).toBe(1);
    // Step 1 names what to deploy (repository, branch, root directory); step 2 how to build it.
    expect(Object.keys(errorsOfStep(errors, 1)).sort()).toEqual(["branch", "repository"]);
    expect(Object.keys(errorsOfStep(errors, 2)).sort()).toEqual(["envVars.1"]);
    expect(firstStepWithError({ rootDirectory: "x" })).toBe(1);
    expect(fieldErrors(errors).envVars).toMatch(/PATH is reserved/);
    expect(firstStepWithError({ outputDir: "x" })).toBe(2);
    expect(validateDeploy({ ...values, nodeVersion: "16" })).toEqual({ nodeVersion: "Must be one of 18, 20, 22, or null for automatic" });
    expect(firstStepWithError({ nodeVersion: "x" })).toBe(2);
    expect(firstStepWithError({ body: "x" })).toBeNull();
  });

  it("checks env vars line by line", () => {
    expect(checkEnvVars("# comment\nA=1\n\nB='two words'")).toEqual({ names: ["A", "B"], lineErrors: new Map() });
    const { lineErrors } = checkEnvVars("A=1\nnot a pair\n1X=2\nA=3");
    expect([...lineErrors.entries()]).toEqual([
      [2, "Line 2: expected KEY=VALUE"],
      [3, "Line 3: Variable names use letters, digits and _, and do not start with a digit"],
      [4, "Line 4: A is defined twice"],
    ]);
    expect(envVarLineMessage("envVars.0", "PATH is reserved by the platform")).toBe("Line 1: PATH is reserved by the platform");
  });
});

describe("framework detection in the deploy form", () => {
  const vite: Detection = {
    framework: { id: "vite", name: "Vite" },
    buildCommand: "npm run build",
    installCommand: "npm install",
    outputDir: "dist",
    spaFallback: true,
    packageManager: "npm",
    lockfile: null,
    nodeVersion: { major: "22", reason: "from engines.node (>=18)" },
    notes: [],
  };
  const values = { ...DEFAULT_VALUES, repository: "https://github.com/acme/site.git" };

  it("fills in the detected settings, except fields the user edited", () => {
    const next = applyDetection({ ...values, buildCommand: "make site", outputDir: "www" }, new Set(["buildCommand"] as const), { ...vite, outputDir: "build" });
    expect(next).toMatchObject({ buildCommand: "make site", outputDir: "build", spaFallback: "true", nodeVersion: "" });
    expect(applyDetection({ ...values, spaFallback: "true" }, new Set(["spaFallback"] as const), { ...vite, spaFallback: false }).spaFallback).toBe("true");
    expect(applyDetection(values, new Set(), { ...vite, spaFallback: false, buildCommand: "" })).toMatchObject({ spaFallback: "", buildCommand: "" });
  });

  it("says what it found in one line", () => {
    expect(detectionHeadline(vite)).toBe("Detected Vite · npm (no lockfile: npm install) · Node.js 22 from engines.node (>=18)");
    expect(detectionHeadline({ ...vite, framework: null, packageManager: "pnpm", lockfile: "pnpm-lock.yaml", installCommand: "pnpm install --frozen-lockfile" })).toBe(
      "No framework detected · pnpm (pnpm-lock.yaml) · Node.js 22 from engines.node (>=18)",
    );
    expect(detectionHeadline({ ...vite, framework: { id: "static", name: "Static HTML" }, installCommand: "" })).toBe("Detected Static HTML · Node.js 22 from engines.node (>=18)");
  });

  it("describes the install step as from the lockfile only when there is one", () => {
    expect(installDescription({ ...vite, lockfile: "package-lock.json", installCommand: "npm ci" })).toBe("Detected from the lockfile (npm ci)");
    expect(installDescription(vite)).toBe("npm install (no lockfile)");
    expect(installDescription({ ...vite, installCommand: "" })).toBe("None (no package.json)");
    expect(installDescription(null)).toBe("Picked from the lockfile, if there is one");
    expect(automaticNodeLabel(vite)).toBe("Automatic: Node.js 22 from engines.node (>=18)");
  });

  it("detects again only when the repository, branch or root directory changes", () => {
    expect(detectionKey(values)).toBe(detectionKey({ ...values, repository: ` ${values.repository} `, buildCommand: "x" } as typeof values));
    expect(detectionKey(values)).not.toBe(detectionKey({ ...values, branch: "develop" }));
    expect(detectionKey(values)).not.toBe(detectionKey({ ...values, rootDirectory: "apps/site" }));
    expect(detectionInput(values)).toEqual({ repository: values.repository, branch: "main", rootDirectory: null });
  });

  it("shows a failed detection's field message", () => {
    const error = { data: { envelope: { error: { code: "VALIDATION_ERROR", message: "Invalid", details: { fields: { branch: 'No branch "x" in this repository' } } } } } };
    expect(detectionFailureMessage(error)).toBe('No branch "x" in this repository');
    expect(detectionFailureMessage({ data: { envelope: { error: { code: "FORBIDDEN", message: "Not yours", statusCode: 403, details: {} } } } })).toBe("Not yours");
    expect(detectionFailureMessage(new Error("socket closed"))).toBe("The repository could not be inspected.");
  });
});

import { Form } from "@remix-run/react";
import { ArrowLeft, ArrowRight, Rocket } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@autostack/ui";
import { FormAlert } from "~/components/FormAlert";
import type { FieldErrors } from "~/lib/forms";
import {
  DEFAULT_VALUES,
  errorsOfStep,
  fieldErrors,
  firstStepWithError,
  validateDeploy,
  type DeployField,
  type DeployValues,
  type WizardStep,
} from "./deploy-form";
import { BuildFields } from "./BuildFields";
import { applyDetection, DETECTED_FIELDS, detectionInput, detectionKey } from "./detection";
import { DeployStarted, DeploySummary } from "./DeploySummary";
import { isGitHubReference } from "./github-repositories";
import { RepositoryFields, type GitHubAvailability, type RepositorySource } from "./RepositoryFields";
import type { GitHubRepository } from "./types";
import { useDetection } from "./use-detection";
import { WizardSteps } from "./WizardSteps";

export type DeployActionData =
  | { ok: true; deployment: { id: string; repo: string; branch: string } }
  | { ok: false; status: number; code: string; formError: string | null; fields: FieldErrors; values: DeployValues };

interface DeployWizardProps {
  actionData: DeployActionData | undefined;
  submitting: boolean;
  /** The server accepts file:// URLs and local paths (ALLOW_LOCAL_REPOS). */
  localReposAllowed: boolean;
  github: GitHubAvailability;
}

export function DeployWizard({ actionData, submitting, localReposAllowed, github }: DeployWizardProps) {
  const failure = actionData && !actionData.ok ? actionData : null;
  const [values, setValues] = useState<DeployValues>(failure?.values ?? DEFAULT_VALUES);
  // A connected user picks from their GitHub repositories unless they typed a Git URL.
  const [source, setSource] = useState<RepositorySource>(() => (github.connected && (!failure || isGitHubReference(failure.values.repository)) ? "github" : "url"));
  const [step, setStep] = useState<WizardStep>(1);
  const [reached, setReached] = useState<WizardStep>(1);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>(failure?.fields ?? {});
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  // Fields the user changed by hand: detection never overwrites them.
  const edited = useRef(new Set<DeployField>(failure ? DETECTED_FIELDS : []));
  const { state: detection, detect } = useDetection((found) => setValues((current) => applyDetection(current, edited.current, found)));
  const startDetection = (from: DeployValues) => detect(detectionKey(from), detectionInput(from));
  const detectionStale = (from: DeployValues) => detection.status === "idle" || detection.status === "failed" || detection.key !== detectionKey(from);
  // Continue on step 1 waits for detection, which reads the repository at that branch.
  const [checking, setChecking] = useState(false);

  // A failed submission: back to the step of the first field the server rejected.
  useEffect(() => {
    if (!failure) return;
    for (const field of DETECTED_FIELDS) edited.current.add(field);
    setServerErrors(failure.fields);
    setValues(failure.values);
    setSource(github.connected && isGitHubReference(failure.values.repository) ? "github" : "url");
    const target = firstStepWithError(failure.fields) ?? 3;
    setStep(target);
    setReached(3);
    moved.current = true;
  }, [failure, github.connected]);

  // Focus follows the step: the first invalid field, or the step's heading.
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    const form = formRef.current;
    const invalid = form?.querySelector<HTMLElement>(`[data-step="${step}"] [aria-invalid="true"]`);
    (invalid ?? headingRef.current)?.focus();
  }, [step, clientErrors, serverErrors]);

  if (actionData?.ok) return <DeployStarted deployment={actionData.deployment} />;

  const errors = fieldErrors({ ...serverErrors, ...clientErrors });
  const envServerErrors = Object.fromEntries(Object.entries({ ...serverErrors, ...clientErrors }).filter(([path]) => path === "envVars" || path.startsWith("envVars.")));

  const clearErrors = (...cleared: DeployField[]) => {
    const drop = (fields: FieldErrors) =>
      Object.fromEntries(Object.entries(fields).filter(([path]) => !cleared.some((field) => path === field || path.startsWith(`${field}.`))));
    setClientErrors(drop);
    setServerErrors(drop);
  };

  const set = (field: DeployField) => (value: string) => {
    edited.current.add(field);
    setValues((current) => ({ ...current, [field]: value }));
    clearErrors(field);
  };

  /** A repository from the GitHub list: owner/name, at its default branch. */
  const pick = (repo: GitHubRepository) => {
    setValues((current) => ({ ...current, repository: repo.fullName, branch: repo.defaultBranch }));
    clearErrors("repository", "branch");
  };

  const changeSource = (next: RepositorySource) => {
    setSource(next);
    setValues((current) => ({ ...current, repository: "" }));
    clearErrors("repository", "branch");
  };

  const goTo = (next: WizardStep, options: { detect?: boolean } = {}) => {
    // Leaving step 1 with a valid repository: detect the build settings, unless that is done for these inputs.
    const detectNow = (options.detect ?? true) && step === 1 && next > 1 && detectionStale(values);
    if (detectNow && Object.keys(errorsOfStep(validateDeploy(values), 1)).length === 0) void startDetection(values);
    moved.current = true;
    setStep(next);
    setReached((r) => (next > r ? next : r));
  };

  /**
   * Continue: only with this step's fields valid. From step 1, only once the
   * repository answered with the branch: detection reads it, and a missing
   * repository, branch or root directory stays here as that field's error
   * (nothing is queued yet). Any other failure (a timeout, a busy server)
   * moves on: step 2 says detection failed, and the settings are typed in.
   */
  const advance = async () => {
    if (step === 3 || checking) return;
    const stepErrors = errorsOfStep(validateDeploy(values), step);
    setClientErrors(stepErrors);
    if (Object.keys(stepErrors).length > 0) {
      moved.current = true;
      return;
    }
    if (step === 1 && detectionStale(values)) {
      setChecking(true);
      const outcome = await startDetection(values).finally(() => setChecking(false));
      if (outcome === null) return;
      const repositoryErrors = outcome.status === "failed" ? errorsOfStep(outcome.fields, 1) : {};
      if (Object.keys(repositoryErrors).length > 0) {
        setServerErrors((current) => ({ ...current, ...repositoryErrors }));
        moved.current = true;
        return;
      }
      goTo(2, { detect: false });
      return;
    }
    goTo((step + 1) as WizardStep);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (step !== 3) {
      event.preventDefault();
      void advance();
      return;
    }
    const all = validateDeploy(values);
    const target = firstStepWithError(all);
    if (target !== null) {
      event.preventDefault();
      setClientErrors(all);
      goTo(target);
    }
  };

  const titles: Record<WizardStep, [string, string]> = {
    1: ["Repository", "The Git repository, branch and directory to build and deploy."],
    2: ["Configure build", "How Autostack installs, builds and serves your project."],
    3: ["Review and deploy", "Check the settings, then start the deployment."],
  };

  return (
    <div className="space-y-8">
      <WizardSteps current={step} reached={reached} onSelect={goTo} />
      <Card>
        <Form ref={formRef} method="post" noValidate onSubmit={onSubmit}>
          <CardHeader>
            <CardTitle>
              <span ref={headingRef} tabIndex={-1} className="outline-none">
                {titles[step][0]}
              </span>
            </CardTitle>
            <CardDescription>{titles[step][1]}</CardDescription>
          </CardHeader>
          <CardContent className="space-y-5">
            {/* Every step stays in the form (hidden), so the last one submits all fields. */}
            <div data-step="1" hidden={step !== 1} className="space-y-5">
              <RepositoryFields
                values={values}
                errors={errors}
                set={set}
                localReposAllowed={localReposAllowed}
                github={github}
                source={source}
                onSourceChange={changeSource}
                onPick={pick}
              />
            </div>

            <div data-step="2" hidden={step !== 2} className="space-y-5">
              <BuildFields values={values} errors={errors} envServerErrors={envServerErrors} set={set} detection={detection} onRedetect={() => void startDetection(values)} />
            </div>

            <div data-step="3" hidden={step !== 3} className="space-y-5">
              {failure?.formError ? <FormAlert>{failure.formError}</FormAlert> : null}
              {step === 3 ? <DeploySummary values={values} detection={detection.status === "done" ? detection.detection : null} onEdit={goTo} /> : null}
            </div>
          </CardContent>
          <CardFooter className="justify-between">
            {step > 1 ? (
              <Button variant="ghost" onClick={() => goTo((step - 1) as WizardStep)} disabled={submitting}>
                <ArrowLeft className="h-4 w-4" aria-hidden="true" />
                Back
              </Button>
            ) : (
              <span />
            )}
            {step < 3 ? (
              <Button type="submit" loading={checking} loadingText="Checking repository…">
                Continue
                <ArrowRight className="h-4 w-4" aria-hidden="true" />
              </Button>
            ) : (
              <Button type="submit" loading={submitting} loadingText="Starting…">
                <Rocket className="h-4 w-4" aria-hidden="true" />
                Deploy
              </Button>
            )}
          </CardFooter>
        </Form>
      </Card>
    </div>
  );
}

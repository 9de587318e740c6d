import { Form } from "@remix-run/react";
import { ArrowLeft, ArrowRight, Rocket } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle, Checkbox, Input } from "@autostack/ui";
import { GitHubIcon } from "~/components/BrandIcons";
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
import { DeployStarted, DeploySummary } from "./DeploySummary";
import { EnvVarsField } from "./EnvVarsField";
import { WizardSteps } from "./WizardSteps";

export type DeployActionData =
  | { ok: true; deployment: { id: string; repo: string; branch: string } }
  | { ok: false; status: number; code: string; formError: string | null; fields: FieldErrors; values: DeployValues };

interface DeployWizardProps {
  actionData: DeployActionData | undefined;
  submitting: boolean;
  /** The server accepts file:// URLs and local paths (ALLOW_LOCAL_REPOS). */
  localReposAllowed: boolean;
}

export function DeployWizard({ actionData, submitting, localReposAllowed }: DeployWizardProps) {
  const failure = actionData && !actionData.ok ? actionData : null;
  const [values, setValues] = useState<DeployValues>(failure?.values ?? DEFAULT_VALUES);
  const [step, setStep] = useState<WizardStep>(1);
  const [reached, setReached] = useState<WizardStep>(1);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>(failure?.fields ?? {});
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  // A failed submission: back to the step of the first field the server rejected.
  useEffect(() => {
    if (!failure) return;
    setServerErrors(failure.fields);
    setValues(failure.values);
    const target = firstStepWithError(failure.fields) ?? 3;
    setStep(target);
    setReached(3);
    moved.current = true;
  }, [failure]);

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

  const set = (field: DeployField) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    const drop = (fields: FieldErrors) => Object.fromEntries(Object.entries(fields).filter(([path]) => path !== field && !path.startsWith(`${field}.`)));
    setClientErrors(drop);
    setServerErrors(drop);
  };

  const goTo = (next: WizardStep) => {
    moved.current = true;
    setStep(next);
    setReached((r) => (next > r ? next : r));
  };

  /** Continue: only with this step's fields valid. */
  const advance = () => {
    if (step === 3) return;
    const stepErrors = errorsOfStep(validateDeploy(values), step);
    setClientErrors(stepErrors);
    if (Object.keys(stepErrors).length > 0) {
      moved.current = true;
      return;
    }
    goTo((step + 1) as WizardStep);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (step !== 3) {
      event.preventDefault();
      advance();
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
    1: ["Repository", "The Git repository to build and deploy."],
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
              <Input
                label="Git repository URL"
                name="repository"
                value={values.repository}
                onChange={(event) => set("repository")(event.currentTarget.value)}
                placeholder="https://github.com/you/your-app.git"
                autoComplete="off"
                spellCheck={false}
                inputMode="url"
                required
                error={errors.repository}
                hint={`${localReposAllowed ? "A public repository over https, or a local repository (file:// URL or absolute path) on this server." : "A public repository over https."} Its default branch is not detected: choose the branch in the next step.`}
              />
              <p className="flex items-center gap-2 text-[13px] text-zinc-500 dark:text-zinc-400">
                <GitHubIcon className="h-3.5 w-3.5" />
                Picking from your GitHub repositories is coming soon.
              </p>
            </div>

            <div data-step="2" hidden={step !== 2} className="space-y-5">
              <div className="grid gap-5 sm:grid-cols-2">
                <Input label="Branch" name="branch" value={values.branch} onChange={(e) => set("branch")(e.currentTarget.value)} spellCheck={false} autoComplete="off" error={errors.branch} />
                <Input
                  label="Root directory"
                  name="rootDirectory"
                  value={values.rootDirectory}
                  onChange={(e) => set("rootDirectory")(e.currentTarget.value)}
                  placeholder="apps/site"
                  spellCheck={false}
                  autoComplete="off"
                  error={errors.rootDirectory}
                  hint="Optional: for a project inside a monorepo."
                />
              </div>
              <div className="grid gap-5 sm:grid-cols-2">
                <Input
                  label="Build command"
                  name="buildCommand"
                  value={values.buildCommand}
                  onChange={(e) => set("buildCommand")(e.currentTarget.value)}
                  spellCheck={false}
                  autoComplete="off"
                  className="[&_input]:font-mono"
                  error={errors.buildCommand}
                  hint="Leave empty to serve the files as committed."
                />
                <Input
                  label="Install command"
                  name="installCommand"
                  value={values.installCommand}
                  onChange={(e) => set("installCommand")(e.currentTarget.value)}
                  placeholder="Detected from the lockfile"
                  spellCheck={false}
                  autoComplete="off"
                  className="[&_input]:font-mono"
                  error={errors.installCommand}
                  hint="Optional: npm, pnpm, yarn or bun is picked from the lockfile."
                />
              </div>
              <Input
                label="Output directory"
                name="outputDir"
                value={values.outputDir}
                onChange={(e) => set("outputDir")(e.currentTarget.value)}
                spellCheck={false}
                autoComplete="off"
                className="sm:max-w-[calc(50%-0.625rem)] [&_input]:font-mono"
                error={errors.outputDir}
                hint="The folder the build writes the site to, relative to the root directory."
              />
              <Checkbox
                name="spaFallback"
                value="true"
                checked={values.spaFallback === "true"}
                onChange={(e) => set("spaFallback")(e.currentTarget.checked ? "true" : "")}
                label="Single-page app"
                description="Paths without a file extension that match no file get index.html, for client-side routing. Otherwise they get the site's 404.html."
              />
              <EnvVarsField value={values.envVars} onChange={set("envVars")} serverErrors={envServerErrors} />
            </div>

            <div data-step="3" hidden={step !== 3} className="space-y-5">
              {failure?.formError ? <FormAlert>{failure.formError}</FormAlert> : null}
              {step === 3 ? <DeploySummary values={values} onEdit={goTo} /> : null}
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
              <Button type="submit">
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

import { Input } from "@autostack/ui";
import { GitHubIcon } from "~/components/BrandIcons";
import type { DeployField, DeployValues } from "./deploy-form";

// The wizard's first step: what to deploy. Detection reads exactly these
// three fields when the user moves on to the build settings.

interface RepositoryFieldsProps {
  values: DeployValues;
  errors: Partial<Record<DeployField, string>>;
  set: (field: DeployField) => (value: string) => void;
  /** The server accepts file:// URLs and local paths (ALLOW_LOCAL_REPOS). */
  localReposAllowed: boolean;
}

export function RepositoryFields({ values, errors, set, localReposAllowed }: RepositoryFieldsProps) {
  return (
    <>
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
        hint={localReposAllowed ? "A public repository over https, or a local repository (file:// URL or absolute path) on this server." : "A public repository over https."}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <Input
          label="Branch"
          name="branch"
          value={values.branch}
          onChange={(e) => set("branch")(e.currentTarget.value)}
          spellCheck={false}
          autoComplete="off"
          error={errors.branch}
          hint="The repository's default branch is not detected."
        />
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
      <p className="flex items-center gap-2 text-[13px] text-zinc-500 dark:text-zinc-400">
        <GitHubIcon className="h-3.5 w-3.5" />
        Picking from your GitHub repositories is coming soon.
      </p>
    </>
  );
}

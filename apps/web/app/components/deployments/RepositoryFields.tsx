import { GitHubIcon } from "~/components/BrandIcons";
import { DeployTextField, type DeployFormBinding } from "./DeployTextField";

// The wizard's first step: what to deploy. Detection reads exactly these
// three fields when the user moves on to the build settings.

interface RepositoryFieldsProps extends DeployFormBinding {
  /** The server accepts file:// URLs and local paths (ALLOW_LOCAL_REPOS). */
  localReposAllowed: boolean;
}

export function RepositoryFields({ values, errors, set, localReposAllowed }: RepositoryFieldsProps) {
  const form = { values, errors, set };
  return (
    <>
      <DeployTextField
        {...form}
        field="repository"
        label="Git repository URL"
        placeholder="https://github.com/you/your-app.git"
        inputMode="url"
        required
        hint={localReposAllowed ? "A public repository over https, or a local repository (file:// URL or absolute path) on this server." : "A public repository over https."}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <DeployTextField {...form} field="branch" label="Branch" hint="The repository's default branch is not detected." />
        <DeployTextField {...form} field="rootDirectory" label="Root directory" placeholder="apps/site" hint="Optional: for a project inside a monorepo." />
      </div>
      <p className="flex items-center gap-2 text-[13px] text-zinc-500 dark:text-zinc-400">
        <GitHubIcon className="h-3.5 w-3.5" />
        Picking from your GitHub repositories is coming soon.
      </p>
    </>
  );
}

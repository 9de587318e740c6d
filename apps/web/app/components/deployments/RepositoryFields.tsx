import { Link } from "@remix-run/react";
import { GitHubIcon } from "~/components/BrandIcons";
import { cx, focusRing } from "@autostack/ui";
import { DeployTextField, type DeployFormBinding } from "./DeployTextField";
import { GitHubBranchField } from "./GitHubBranchField";
import { GitHubRepositoryPicker } from "./GitHubRepositoryPicker";
import type { GitHubRepository } from "./types";
import { useGitHubBranches, useGitHubRepositories } from "./use-github";

// The wizard's first step: what to deploy. With GitHub connected, one of the
// user's repositories (owner/name) and one of its branches; otherwise, or by
// choice, any Git URL and a branch typed in. Detection reads the repository,
// branch and root directory when the user moves on to the build settings.

/** Where step 1's repository comes from. */
export type RepositorySource = "github" | "url";

export interface GitHubAvailability {
  /** The server has a GitHub App (connecting is possible). */
  available: boolean;
  /** The user has connected it. */
  connected: boolean;
}

interface RepositoryFieldsProps extends DeployFormBinding {
  /** The server accepts file:// URLs and local paths (ALLOW_LOCAL_REPOS). */
  localReposAllowed: boolean;
  github: GitHubAvailability;
  source: RepositorySource;
  onSourceChange: (source: RepositorySource) => void;
  onPick: (repository: GitHubRepository) => void;
}

const switchClasses = cx("rounded text-[13px] font-medium text-indigo-600 hover:underline dark:text-indigo-400", focusRing);

export function RepositoryFields({ values, errors, set, localReposAllowed, github, source, onSourceChange, onPick }: RepositoryFieldsProps) {
  const form = { values, errors, set };
  const fromGitHub = github.connected && source === "github";
  const repositories = useGitHubRepositories(github.connected);
  const branches = useGitHubBranches(fromGitHub && values.repository ? values.repository : null);
  const rootDirectory = <DeployTextField {...form} field="rootDirectory" label="Root directory" placeholder="apps/site" hint="Optional: for a project inside a monorepo." />;

  if (fromGitHub) {
    return (
      <>
        <input type="hidden" name="repository" value={values.repository} />
        <GitHubRepositoryPicker state={repositories.state} onRetry={repositories.retry} selected={values.repository} onPick={onPick} error={errors.repository} />
        <div className="grid gap-5 sm:grid-cols-2">
          <GitHubBranchField {...form} state={branches.state} onRetry={branches.retry} />
          {rootDirectory}
        </div>
        <button type="button" className={switchClasses} onClick={() => onSourceChange("url")}>
          Or deploy from a Git URL
        </button>
      </>
    );
  }

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
        {rootDirectory}
      </div>
      {github.connected ? (
        <button type="button" className={cx(switchClasses, "flex items-center gap-2")} onClick={() => onSourceChange("github")}>
          <GitHubIcon className="h-3.5 w-3.5" />
          Or pick one of your GitHub repositories
        </button>
      ) : github.available ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500 dark:text-zinc-400">
          <GitHubIcon className="h-3.5 w-3.5" />
          <Link to="/settings?tab=github" className={switchClasses}>
            Connect GitHub to pick a repository
          </Link>
        </p>
      ) : null}
    </>
  );
}

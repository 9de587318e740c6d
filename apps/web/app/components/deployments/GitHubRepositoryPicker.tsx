import { Lock, Search } from "lucide-react";
import { useId, useMemo, useState, type KeyboardEvent } from "react";
import { Badge, Button, cx, inputClasses, Skeleton } from "@autostack/ui";
import { GitHubIcon } from "~/components/BrandIcons";
import { filterRepositories, sortRepositories } from "./github-repositories";
import { RelativeTime } from "./time";
import type { GitHubRepository } from "./types";
import type { RemoteState } from "./use-remote";

// Step 1's list of the connected user's GitHub repositories: a search box
// that filters by name as you type, and one radio button per repository
// (Tab into the list, arrow keys to move, Enter to continue). Picking one
// fills the repository (owner/name) and its default branch.

interface PickerProps {
  state: RemoteState<GitHubRepository[]>;
  onRetry: () => void;
  /** The picked repository's full name, or "". */
  selected: string;
  onPick: (repository: GitHubRepository) => void;
  error?: string | undefined;
}

function RepositoryOption({ repo, checked, onPick }: { repo: GitHubRepository; checked: boolean; onPick: () => void }) {
  return (
    <li>
      <label
        className={cx(
          "flex cursor-pointer items-center gap-3 px-3.5 py-2.5 hover:bg-zinc-50 has-[:focus-visible]:bg-indigo-50 dark:hover:bg-zinc-800/50 dark:has-[:focus-visible]:bg-indigo-500/10",
          checked && "bg-indigo-50/70 dark:bg-indigo-500/10",
        )}
      >
        <input type="radio" name="githubRepository" value={repo.fullName} checked={checked} onChange={onPick} className="h-4 w-4 shrink-0 accent-indigo-600" />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium text-zinc-900 dark:text-white">{repo.name}</span>
          <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400">
            {repo.fullName} · {repo.defaultBranch}
            {repo.updatedAt ? (
              <>
                {" · updated "}
                <RelativeTime iso={repo.updatedAt} />
              </>
            ) : null}
          </span>
        </span>
        <Badge variant="neutral">
          {repo.private ? <Lock className="h-3 w-3" aria-hidden="true" /> : null}
          {repo.private ? "Private" : "Public"}
        </Badge>
      </label>
    </li>
  );
}

export function GitHubRepositoryPicker({ state, onRetry, selected, onPick, error }: PickerProps) {
  const [query, setQuery] = useState("");
  const id = useId();
  const all = useMemo(() => (state.status === "done" ? sortRepositories(state.data) : []), [state]);
  const shown = useMemo(() => filterRepositories(all, query), [all, query]);

  // Enter in the search box picks the only match instead of submitting the step; ArrowDown goes to the list.
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (shown.length === 1) onPick(shown[0]!);
    } else if (event.key === "ArrowDown") {
      const first = document.querySelector<HTMLInputElement>(`#${CSS.escape(`${id}-list`)} input[type="radio"]`);
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <fieldset className="space-y-2" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="mb-1.5 flex items-center gap-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">
        <GitHubIcon className="h-4 w-4" />
        Your GitHub repositories
      </legend>
      <div className="relative">
        <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-zinc-400" aria-hidden="true" />
        <input
          type="search"
          aria-label="Search repositories"
          placeholder="Search repositories"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={onSearchKey}
          aria-controls={`${id}-list`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          disabled={state.status !== "done"}
          spellCheck={false}
          autoComplete="off"
          className={cx(inputClasses, "pl-9", error ? "border-red-500" : "border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-600")}
        />
      </div>
      {error ? (
        <p id={`${id}-error`} className="text-[13px] text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <div className="max-h-72 overflow-y-auto rounded-lg border border-zinc-200 dark:border-zinc-800" aria-busy={state.status === "loading"}>
        {state.status === "loading" || state.status === "idle" ? (
          <div role="status" className="space-y-3 p-3.5">
            <span className="sr-only">Loading your repositories…</span>
            <Skeleton className="h-4 w-2/3" />
            <Skeleton className="h-4 w-1/2" />
            <Skeleton className="h-4 w-3/5" />
          </div>
        ) : null}
        {state.status === "failed" ? (
          <div role="alert" className="flex items-center justify-between gap-3 p-3.5 text-sm text-red-700 dark:text-red-300">
            <span>Your repositories could not be loaded: {state.message.replace(/\.$/, "")}.</span>
            <Button size="sm" variant="secondary" onClick={onRetry}>
              Try again
            </Button>
          </div>
        ) : null}
        {state.status === "done" && all.length === 0 ? (
          <p className="p-3.5 text-sm text-zinc-500 dark:text-zinc-400">The GitHub App has access to no repository yet: add some in its settings on GitHub, or deploy from a Git URL.</p>
        ) : null}
        {state.status === "done" && all.length > 0 && shown.length === 0 ? (
          <p role="status" className="p-3.5 text-sm text-zinc-500 dark:text-zinc-400">
            No repository matches “{query.trim()}”
          </p>
        ) : null}
        {shown.length > 0 ? (
          <ul id={`${id}-list`} aria-label="Repositories" className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {shown.map((repo) => (
              <RepositoryOption key={repo.id} repo={repo} checked={repo.fullName === selected} onPick={() => onPick(repo)} />
            ))}
          </ul>
        ) : null}
      </div>
    </fieldset>
  );
}

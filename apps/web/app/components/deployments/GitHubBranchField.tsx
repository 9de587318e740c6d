import { useId } from "react";
import { Button, cx, focusRing, inputClasses } from "@autostack/ui";
import { DeployTextField, type DeployFormBinding } from "./DeployTextField";
import type { GitHubBranch } from "./types";
import type { RemoteState } from "./use-remote";

// Step 1's branch for a GitHub repository: a select of the repository's
// branches, read once it is picked. While they load the picked default
// branch stands; if they cannot be read, the branch is typed in.

interface BranchFieldProps extends DeployFormBinding {
  state: RemoteState<GitHubBranch[]>;
  onRetry: () => void;
}

function options(state: RemoteState<GitHubBranch[]>, current: string): { names: string[]; placeholder: string | null } {
  if (state.status === "idle") return { names: [], placeholder: "Pick a repository first" };
  if (state.status === "loading") return { names: current ? [current] : [], placeholder: current ? null : "Loading branches…" };
  if (state.status !== "done") return { names: [], placeholder: null };
  const names = state.data.map((branch) => branch.name);
  if (names.length === 0) return { names: [], placeholder: "This repository has no branch" };
  return { names: current && !names.includes(current) ? [current, ...names] : names, placeholder: null };
}

export function GitHubBranchField({ state, onRetry, ...form }: BranchFieldProps) {
  const id = useId();
  const { values, errors, set } = form;
  if (state.status === "failed") {
    return (
      <DeployTextField
        {...form}
        field="branch"
        label="Branch"
        hint={
          <>
            The branches could not be loaded ({state.message.replace(/\.$/, "")}): type the branch name.{" "}
            <Button size="sm" variant="ghost" className="-my-1 h-auto px-1 py-0" onClick={onRetry}>
              Try again
            </Button>
          </>
        }
      />
    );
  }
  const { names, placeholder } = options(state, values.branch);
  const loading = state.status === "loading";
  const error = errors.branch;
  const hintId = `${id}-hint`;
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        Branch
      </label>
      {/* The select has no name: the hidden input submits the branch in every state. */}
      <input type="hidden" name="branch" value={values.branch} />
      <select
        id={id}
        value={placeholder ? "" : values.branch}
        onChange={(event) => set("branch")(event.currentTarget.value)}
        disabled={names.length === 0 || loading}
        aria-busy={loading || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={hintId}
        className={cx(inputClasses, focusRing, error ? "border-red-500" : "border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-600")}
      >
        {placeholder ? <option value="">{placeholder}</option> : null}
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <p id={hintId} role={loading ? "status" : undefined} className={cx("mt-1.5 text-[13px]", error ? "text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400")}>
        {error ?? (loading ? "Loading the repository's branches…" : "The repository's default branch is picked first.")}
      </p>
    </div>
  );
}

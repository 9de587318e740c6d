import { Form, useNavigation } from "@remix-run/react";
import { X } from "lucide-react";
import { Button, cx, focusRing } from "@autostack/ui";
import { GitHubIcon } from "~/components/BrandIcons";

// The dashboard's invitation to install the GitHub App (only shown when the
// server has one configured and the user has not connected it). Connect
// starts the very flow of Settings → GitHub: the action asks github.connect
// for GitHub's install page and redirects there.

export function ConnectGitHubBanner({ error }: { error: string | null }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "github-connect";
  return (
    <section
      aria-labelledby="connect-github-title"
      className="overflow-hidden rounded-xl border border-indigo-200 bg-gradient-to-r from-indigo-50 via-white to-violet-50 p-5 sm:flex sm:items-center sm:gap-5 dark:border-indigo-500/25 dark:from-indigo-500/10 dark:via-zinc-900 dark:to-violet-500/10"
    >
      <span className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg bg-zinc-900 text-white dark:bg-white dark:text-zinc-900">
        <GitHubIcon className="h-5 w-5" />
      </span>
      <div className="mt-3 flex-1 sm:mt-0">
        <h2 id="connect-github-title" className="font-medium text-zinc-900 dark:text-white">
          Connect GitHub to deploy your repositories
        </h2>
        <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
          Install the Autostack GitHub App to pick a repository when you deploy, and to deploy on every push.
        </p>
        {error ? (
          <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        ) : null}
      </div>
      <Form method="post" className="mt-4 flex shrink-0 items-center gap-2 sm:mt-0">
        <Button type="submit" name="intent" value="github-connect" variant="secondary" loading={busy} loadingText="Connecting…">
          <GitHubIcon />
          Connect GitHub
        </Button>
        <button
          type="submit"
          name="intent"
          value="dismiss-github-banner"
          aria-label="Dismiss"
          title="Dismiss"
          className={cx("rounded-md p-2 text-zinc-400 hover:bg-white/60 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200", focusRing)}
        >
          <X className="h-4 w-4" aria-hidden="true" />
        </button>
      </Form>
    </section>
  );
}

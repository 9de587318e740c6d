import { useFetcher } from "@remix-run/react";
import { Copy, ExternalLink, GitCommitHorizontal, RotateCcw, Square } from "lucide-react";
import { useEffect } from "react";
import type { Deployment } from "./types";
import { Badge, Button, buttonClasses, useToast } from "@autostack/ui";
import { DeleteDeploymentButton } from "./DeleteDialog";
import { BranchBadge, StatusBadge } from "./StatusBadge";
import { isActiveStatus } from "./status";
import { RelativeTime } from "./time";

export type ActionResult = { ok: true; intent: string } | { ok: false; intent: string; error: string };

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Repository, branch, status, commit, and what can be done with the deployment now. */
export function DeploymentHeader({ deployment }: { deployment: Deployment }) {
  const fetcher = useFetcher<ActionResult>();
  const { toast } = useToast();
  const busyIntent = fetcher.state !== "idle" ? String(fetcher.formData?.get("intent") ?? "") : null;
  const active = isActiveStatus(deployment.status);
  const url = deployment.status === "success" ? deployment.url : null;

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && !fetcher.data.ok) {
      toast({ variant: "error", title: "That did not work", description: fetcher.data.error });
    }
  }, [fetcher.state, fetcher.data, toast]);

  const submit = (intent: string) => fetcher.submit({ intent }, { method: "post" });
  const commit = deployment.commit;

  return (
    <div className="flex flex-col gap-5 lg:flex-row lg:items-start lg:justify-between">
      <div className="min-w-0 space-y-2">
        <div className="flex flex-wrap items-center gap-2.5">
          <h1 className="truncate text-2xl font-semibold tracking-tight text-zinc-900 sm:text-[28px] dark:text-white">{deployment.repo}</h1>
          <StatusBadge status={deployment.status} />
          {deployment.isProduction ? <Badge variant="info">Production</Badge> : null}
        </div>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5 text-sm text-zinc-500 dark:text-zinc-400">
          <BranchBadge branch={deployment.branch} />
          <span>
            Created <RelativeTime iso={deployment.createdAt} className="text-zinc-700 dark:text-zinc-300" />
          </span>
          {deployment.duration ? (
            <span>
              Took <span className="tabular-nums text-zinc-700 dark:text-zinc-300">{deployment.duration}</span>
            </span>
          ) : null}
          {url ? (
            <a href={url} target="_blank" rel="noreferrer" className="truncate font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              {hostOf(url)}
            </a>
          ) : null}
        </div>
        {commit.hash || commit.message ? (
          <p className="flex min-w-0 items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
            <GitCommitHorizontal className="h-4 w-4 shrink-0 text-zinc-400" aria-hidden="true" />
            {commit.hash ? (
              <code className="shrink-0 font-mono text-xs text-zinc-700 dark:text-zinc-300" title={commit.hash}>
                {commit.hash.slice(0, 7)}
              </code>
            ) : null}
            {commit.message ? (
              <span className="truncate" title={commit.message}>
                {commit.message.split("\n")[0]}
              </span>
            ) : null}
            {commit.author ? <span className="shrink-0 text-zinc-500">by {commit.author}</span> : null}
          </p>
        ) : active ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Commit details appear once the repository is cloned.</p>
        ) : null}
      </div>

      <div className="flex shrink-0 flex-wrap items-center gap-2">
        {url ? (
          <>
            <a href={url} target="_blank" rel="noreferrer" className={buttonClasses()}>
              <ExternalLink className="h-4 w-4" aria-hidden="true" />
              Visit site
            </a>
            <Button
              variant="secondary"
              onClick={async () => {
                const copied = await copyText(url);
                toast(copied ? { variant: "success", title: "URL copied", description: url } : { variant: "error", title: "Could not copy the URL", description: url });
              }}
            >
              <Copy className="h-4 w-4" aria-hidden="true" />
              Copy URL
            </Button>
          </>
        ) : null}
        {active ? (
          <Button
            variant="secondary"
            loading={busyIntent === "cancel"}
            loadingText="Cancelling…"
            disabled={deployment.cancelRequested}
            onClick={() => submit("cancel")}
            aria-label="Cancel deployment"
          >
            <Square className="h-3.5 w-3.5" aria-hidden="true" />
            {deployment.cancelRequested ? "Cancelling…" : "Cancel deployment"}
          </Button>
        ) : (
          <Button variant="secondary" loading={busyIntent === "redeploy"} loadingText="Redeploying…" onClick={() => submit("redeploy")}>
            <RotateCcw className="h-4 w-4" aria-hidden="true" />
            Redeploy
          </Button>
        )}
        <DeleteDeploymentButton repo={deployment.repo} busy={busyIntent === "delete"} onConfirm={() => submit("delete")} />
      </div>
    </div>
  );
}

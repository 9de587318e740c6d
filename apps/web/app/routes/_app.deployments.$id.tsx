import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useRevalidator, useRouteError } from "@remix-run/react";
import { AlertTriangle, ArrowLeft, SearchX } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { buttonClasses, Card, CardContent, CardHeader, CardTitle, cx, focusRing } from "@autostack/ui";
import { DeploymentHeader, type ActionResult } from "~/components/deployments/DeploymentHeader";
import { DeploymentSummary } from "~/components/deployments/DeploymentSummary";
import { useLiveStatuses, usePolling } from "~/components/deployments/live";
import { formatAbsolute } from "~/components/deployments/format";
import { LogViewer } from "~/components/deployments/LogViewer";
import { StageProgress } from "~/components/deployments/StageProgress";
import { isActiveStatus } from "~/components/deployments/status";
import { ServerNowProvider, useTimeZone } from "~/components/deployments/time";
import type { Deployment } from "~/components/deployments/types";
import { EmptyState } from "~/components/EmptyState";
import { formFailure } from "~/lib/errors.server";
import { stringField } from "~/lib/forms";
import { requireAuth } from "~/lib/session.server";
import { redirectWithToast, toastCookieHeader } from "~/lib/toast.server";
import { trpcClient } from "~/lib/trpc.client";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.deployment.repo} · Deployments · Autostack` : "Deployment · Autostack" }];
export const handle = { section: "Deployments" };

/** The newest lines come with the page; older ones are fetched when scrolled to. */
const INITIAL_LOG_LINES = 500;

/** Someone else's deployment, a deleted one, or an id that is not one: the same 404. */
function notFoundOr(error: unknown): never {
  if (error instanceof Response) throw error;
  const { status, code } = formFailure(error);
  if (status === 404 || code === "VALIDATION_ERROR") throw new Response("Deployment not found", { status: 404 });
  throw error;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const [deployment, logs] = await requireAuth(request, () =>
    Promise.all([
      context.caller.deployment.get({ id }),
      context.caller.deployment.logPage({ id, direction: "backward", limit: INITIAL_LOG_LINES }),
    ]),
  ).catch(notFoundOr);
  return { deployment, logs, now: Date.now() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const id = params.id ?? "";
  const intent = stringField(await request.formData(), "intent");
  const caller = context.caller;
  try {
    if (intent === "cancel") {
      await requireAuth(request, () => caller.deployment.cancel({ id }));
      const cookie = await toastCookieHeader({ variant: "info", title: "Cancelling deployment", description: "The build stops within a few seconds." }, context.config);
      return data<ActionResult>({ ok: true, intent }, { headers: { "Set-Cookie": cookie } });
    }
    if (intent === "redeploy") {
      const next = await requireAuth(request, () => caller.deployment.redeploy({ id }));
      return redirectWithToast(`/deployments/${next.id}`, { variant: "success", title: "Redeploy started", description: "Same commit, same settings." }, context.config);
    }
    if (intent === "delete") {
      await requireAuth(request, () => caller.deployment.remove({ id }));
      return redirectWithToast("/deployments", { variant: "success", title: "Deployment deleted" }, context.config);
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    const failure = formFailure(error);
    const message = failure.formError ?? (Object.values(failure.fields)[0] || "Something went wrong. Try again.");
    return data<ActionResult>({ ok: false, intent, error: message }, { status: failure.status });
  }
  return data<ActionResult>({ ok: false, intent, error: "Unknown action" }, { status: 400 });
}

/**
 * The deployment as loaded, kept current while it runs: status and stages
 * from deployment.status; on each change the full record (commit, times) is
 * read again over the same socket. Polls the loader if the socket fails.
 */
function useLiveDeployment(loaded: Deployment): Deployment {
  const [detail, setDetail] = useState(loaded);
  const revalidator = useRevalidator();
  useEffect(() => setDetail(loaded), [loaded]);
  const active = isActiveStatus(detail.status);
  const { snapshots, unavailable } = useLiveStatuses(active ? [detail] : [], {
    onChange: () => {
      trpcClient()
        .deployment.get.query({ id: loaded.id })
        .then(setDetail)
        .catch(() => revalidator.revalidate());
    },
  });
  usePolling(unavailable && active, 3_000, () => {
    if (revalidator.state === "idle") revalidator.revalidate();
  });
  const live = snapshots.get(detail.id);
  if (!live || live.status === detail.status && live.stages.length === detail.stages.length && live.cancelRequested === detail.cancelRequested) {
    return live ? { ...detail, duration: live.duration ?? detail.duration, url: live.url ?? detail.url } : detail;
  }
  return {
    ...detail,
    status: live.status,
    stages: live.stages,
    cancelRequested: live.cancelRequested,
    duration: live.duration,
    url: live.url,
    errorMessage: live.errorMessage,
  };
}

function DeploymentFacts({ deployment }: { deployment: Deployment }) {
  const timeZone = useTimeZone();
  const active = isActiveStatus(deployment.status);
  const running = active && deployment.status !== "queued";
  const facts: [string, ReactNode][] = [
    ["Started", deployment.startedAt ? formatAbsolute(deployment.startedAt, timeZone) : active ? "Waiting for a worker…" : "—"],
    ["Finished", deployment.completedAt ? formatAbsolute(deployment.completedAt, timeZone) : running ? "In progress…" : "—"],
    ["Build time", deployment.duration ?? (running ? "Running…" : "—")],
  ];
  return (
    <dl className="grid gap-4 border-t border-zinc-100 pt-5 text-sm sm:grid-cols-3 dark:border-zinc-800">
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</dt>
          <dd className="mt-1 tabular-nums text-zinc-900 dark:text-zinc-100">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function BackLink() {
  return (
    <Link
      to="/deployments"
      className={cx("inline-flex items-center gap-1.5 rounded text-sm font-medium text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white", focusRing)}
    >
      <ArrowLeft className="h-4 w-4" aria-hidden="true" />
      Back to Deployments
    </Link>
  );
}

function DeploymentPage({ loaded, logs }: { loaded: Deployment; logs: ReturnType<typeof useLoaderData<typeof loader>>["logs"] }) {
  const deployment = useLiveDeployment(loaded);
  const active = isActiveStatus(deployment.status);
  return (
    <div className="space-y-6">
      <BackLink />
      <DeploymentHeader deployment={deployment} />
      {deployment.status === "failed" && deployment.errorMessage ? (
        <div role="alert" className="flex items-start gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
          <div>
            <p className="font-medium">The deployment failed</p>
            <p className="mt-0.5 whitespace-pre-wrap break-words">{deployment.errorMessage}</p>
          </div>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-5">
        <Card className="lg:col-span-3">
          <CardHeader className="pb-0">
            <CardTitle>Progress</CardTitle>
          </CardHeader>
          <CardContent className="space-y-6">
            <StageProgress status={deployment.status} stages={deployment.stages} />
            <DeploymentFacts deployment={deployment} />
          </CardContent>
        </Card>
        <div className="lg:col-span-2 lg:row-span-2">
          <DeploymentSummary deployment={deployment} />
        </div>
      </div>
      <LogViewer key={deployment.id} deploymentId={deployment.id} initial={logs} active={active} />
    </div>
  );
}

export default function DeploymentRoute() {
  const { deployment, logs, now } = useLoaderData<typeof loader>();
  return (
    <ServerNowProvider now={now}>
      {/* Keyed: a redeploy navigates to another deployment; nothing of this one's live state may carry over. */}
      <DeploymentPage key={deployment.id} loaded={deployment} logs={logs} />
    </ServerNowProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <div className="space-y-6">
      <BackLink />
      <Card>
        <EmptyState
          icon={notFound ? <SearchX className="h-5 w-5" aria-hidden="true" /> : <AlertTriangle className="h-5 w-5" aria-hidden="true" />}
          title={notFound ? "Deployment not found" : "This deployment could not be loaded"}
          description={
            notFound
              ? "It may have been deleted, or the link is wrong."
              : "Something went wrong on our side. Try again in a moment."
          }
          action={
            <Link to="/deployments" className={buttonClasses({ variant: "secondary", size: "sm" })}>
              All deployments
            </Link>
          }
        />
      </Card>
    </div>
  );
}

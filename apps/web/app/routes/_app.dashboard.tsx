import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ArrowRight, Check } from "lucide-react";
import { buttonClasses, Card, CardDescription, CardHeader, CardTitle, cx, focusRing } from "@autostack/ui";
import { PageHeader } from "~/components/app/PageHeader";
import { ConnectGitHubBanner } from "~/components/dashboard/ConnectGitHubBanner";
import { NewDeploymentLink } from "~/components/deployments/NewDeploymentLink";
import { NoDeploymentsYet } from "~/components/deployments/NoDeploymentsYet";
import { RecentDeployments } from "~/components/deployments/RecentDeployments";
import { ServerNowProvider } from "~/components/deployments/time";
import { formFailure } from "~/lib/errors.server";
import { dismissGitHubBannerHeader, githubBannerDismissed } from "~/lib/github-banner.server";
import { stringField } from "~/lib/forms";
import { requireAuth } from "~/lib/session.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Autostack" }];
export const handle = { section: "Dashboard" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [profile, recent] = await requireAuth(request, () => Promise.all([context.caller.user.profile(), context.caller.deployment.recent()]));
  return {
    name: profile.name,
    githubConnected: profile.githubConnected,
    githubUsername: profile.githubUsername,
    // The banner: only when connecting is possible here, and not dismissed in this browser.
    githubAppEnabled: context.config.githubAppEnabled,
    githubBanner: context.config.githubAppEnabled && !profile.githubConnected && !(await githubBannerDismissed(request)),
    recentDeployments: recent.deployments,
    now: Date.now(),
  };
}

/** The banner's two buttons: Connect (to GitHub's install page, as Settings → GitHub does) and Dismiss. */
export async function action({ request, context }: ActionFunctionArgs) {
  const intent = stringField(await request.formData(), "intent");
  if (intent === "dismiss-github-banner") {
    return redirect("/dashboard", { headers: { "Set-Cookie": await dismissGitHubBannerHeader(context) } });
  }
  if (intent !== "github-connect") return data({ error: "Unknown action" }, { status: 400 });
  try {
    const { url } = await requireAuth(request, () => context.caller.github.connect());
    return redirect(url);
  } catch (error) {
    if (error instanceof Response) throw error;
    const failure = formFailure(error);
    return data({ error: failure.formError ?? "GitHub could not be connected; try again from Settings → GitHub" }, { status: failure.status });
  }
}

function ChecklistItem({ done, title, description, to }: { done: boolean; title: string; description: string; to?: string }) {
  const body = (
    <>
      <span
        className={cx(
          "mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full border",
          done
            ? "border-emerald-500 bg-emerald-500 text-white"
            : "border-zinc-300 bg-white dark:border-zinc-600 dark:bg-zinc-900",
        )}
      >
        {done ? <Check className="h-3 w-3" strokeWidth={3} aria-hidden="true" /> : null}
      </span>
      <span className="min-w-0 flex-1">
        <span className={cx("block text-sm font-medium", done ? "text-zinc-500 line-through decoration-zinc-300 dark:text-zinc-500 dark:decoration-zinc-600" : "text-zinc-900 dark:text-white")}>
          {title}
          <span className="sr-only">{done ? " (done)" : " (to do)"}</span>
        </span>
        <span className="mt-0.5 block text-[13px] text-zinc-500 dark:text-zinc-400">{description}</span>
      </span>
      {to && !done ? <ArrowRight className="mt-0.5 h-4 w-4 shrink-0 text-zinc-400 transition-transform group-hover:translate-x-0.5" aria-hidden="true" /> : null}
    </>
  );
  if (to && !done) {
    return (
      <li>
        <Link to={to} className={cx("group -mx-2 flex items-start gap-3 rounded-lg px-2 py-2.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/50", focusRing)}>
          {body}
        </Link>
      </li>
    );
  }
  return <li className="flex items-start gap-3 py-2.5">{body}</li>;
}

export default function Dashboard() {
  const { name, githubConnected, githubUsername, githubAppEnabled, githubBanner, recentDeployments, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const hasDeployments = recentDeployments.length > 0;
  const firstName = name.split(/\s+/)[0] || name;

  return (
    <div className="space-y-8">
      <PageHeader
        title={`Welcome back, ${firstName}`}
        description="Deploy a repository and follow its build from here."
        actions={<NewDeploymentLink />}
      />

      {githubBanner ? <ConnectGitHubBanner error={actionData?.error ?? null} /> : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <div className="flex items-start justify-between gap-4">
              <div className="space-y-1">
                <CardTitle>Recent deployments</CardTitle>
                <CardDescription>Your latest deployments and their status.</CardDescription>
              </div>
              {hasDeployments ? (
                <Link to="/deployments" className={buttonClasses({ variant: "ghost", size: "sm", className: "-mr-2 shrink-0" })}>
                  View all
                  <ArrowRight className="h-3.5 w-3.5" aria-hidden="true" />
                </Link>
              ) : null}
            </div>
          </CardHeader>
          {hasDeployments ? (
            <ServerNowProvider now={now}>
              <RecentDeployments deployments={recentDeployments} />
            </ServerNowProvider>
          ) : (
            <NoDeploymentsYet
              className="m-6 rounded-xl border border-dashed border-zinc-200 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-900/40"
              description="When you deploy a repository, its status, branch, commit and build time will show up here."
            />
          )}
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Get started</CardTitle>
            <CardDescription>A few steps to your first live app.</CardDescription>
          </CardHeader>
          <ul className="px-6 pb-4 pt-3">
            <ChecklistItem done title="Create your account" description="You're signed in and ready to go." />
            {githubAppEnabled || githubConnected ? (
              <ChecklistItem
                done={githubConnected}
                title="Connect GitHub"
                description={githubConnected && githubUsername ? `Connected as @${githubUsername}.` : "Give Autostack access to your repositories."}
                to="/settings?tab=github"
              />
            ) : null}
            <ChecklistItem done={false} title="Deploy your first project" description="Pick a repository and branch, then deploy." to="/deploy" />
          </ul>
        </Card>
      </div>
    </div>
  );
}

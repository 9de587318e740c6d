import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PageHeader } from "~/components/app/PageHeader";
import { deployInput, valuesFromForm } from "~/components/deployments/deploy-form";
import { DeployWizard, type DeployActionData } from "~/components/deployments/DeployWizard";
import { formFailure } from "~/lib/errors.server";
import { requireAuth } from "~/lib/session.server";
import { toastCookieHeader } from "~/lib/toast.server";

export const meta: MetaFunction = () => [{ title: "New deployment · Autostack" }];
export const handle = { section: "Deploy" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const available = context.config.githubAppEnabled;
  // Without a GitHub App on this server a connection left from before cannot list anything.
  const connected = available && (await requireAuth(request, () => context.caller.github.connectionStatus())).connected;
  return { localReposAllowed: context.config.localReposAllowed, github: { available, connected } };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = valuesFromForm(await request.formData());
  try {
    const deployment = await requireAuth(request, () => context.caller.deployment.create(deployInput(values)));
    const cookie = await toastCookieHeader(
      { variant: "success", title: "Deployment started", description: `${deployment.repo} (${deployment.branch}) is queued.` },
      context.config,
    );
    return data<DeployActionData>({ ok: true, deployment: { id: deployment.id, repo: deployment.repo, branch: deployment.branch } }, { headers: { "Set-Cookie": cookie } });
  } catch (error) {
    if (error instanceof Response) throw error;
    // Field messages go back to their step and field, the rest is a message on the last step.
    const failure = formFailure(error);
    // Env var values are secrets: they go back to the form that sent them, never into a log.
    return data<DeployActionData>({ ok: false, ...failure, values }, { status: failure.status });
  }
}

export default function Deploy() {
  const actionData = useActionData<typeof action>();
  const { localReposAllowed, github } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST";
  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <PageHeader title="New deployment" description="Deploy a Git repository: pick it, configure the build, and go." />
      <DeployWizard actionData={actionData} submitting={submitting} localReposAllowed={localReposAllowed} github={github} />
    </div>
  );
}

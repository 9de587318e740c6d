import { Form, useNavigation } from "@remix-run/react";
import { AlertTriangle, CheckCircle2, Info } from "lucide-react";
import { Badge, Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@autostack/ui";
import { GitHubIcon } from "~/components/BrandIcons";
import type { SettingsFailure } from "./types";

/** GET /api/github/connection, as the settings loader passes it on. */
export interface GitHubConnectionView {
  connected: boolean;
  username: string | null;
  account: { login: string; type: string } | null;
  available: boolean;
  /** The installation is suspended on GitHub: nothing deploys until it is unsuspended there. */
  suspended?: boolean;
}

/** What the Setup URL reported back (?github=connected or ?githubError=...). */
export interface GitHubSetupNotice {
  connected: boolean;
  error: string | null;
}

interface Props {
  connection: GitHubConnectionView;
  notice: GitHubSetupNotice;
  failure: SettingsFailure | null;
}

function Notice({ tone, children }: { tone: "error" | "success" | "info"; children: React.ReactNode }) {
  const Icon = tone === "error" ? AlertTriangle : tone === "success" ? CheckCircle2 : Info;
  const colors =
    tone === "error"
      ? "bg-red-50 text-red-700 dark:bg-red-950/40 dark:text-red-300"
      : tone === "success"
        ? "bg-emerald-50 text-emerald-700 dark:bg-emerald-950/40 dark:text-emerald-300"
        : "bg-zinc-50 text-zinc-600 dark:bg-zinc-800/40 dark:text-zinc-400";
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`flex gap-3 rounded-lg p-4 text-sm ${colors}`}>
      <Icon className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
      <p>{children}</p>
    </div>
  );
}

export function GitHubPanel({ connection, notice, failure }: Props) {
  const busy = useNavigation().state !== "idle";
  const { connected } = connection;
  const who = connection.username ?? connection.account?.login ?? null;
  const error = failure?.formError ?? notice.error;
  return (
    <Card>
      <CardHeader>
        <CardTitle>GitHub</CardTitle>
        <CardDescription>Install the Autostack GitHub App to pick repositories and deploy them.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <div className="flex items-center gap-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <span className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg bg-zinc-900 text-white dark:bg-white dark:text-zinc-900">
            <GitHubIcon className="h-5 w-5" />
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium text-zinc-900 dark:text-white">GitHub account</p>
            <p className="truncate text-sm text-zinc-500 dark:text-zinc-400" data-testid="github-account">
              {connected ? (who ? `Connected as @${who}` : "Connected") : "No account connected"}
              {connected && connection.account?.type === "Organization" ? " (organization)" : ""}
            </p>
          </div>
          <Badge variant={connected && !connection.suspended ? "success" : connected ? "warning" : "neutral"} dot>
            {connected ? (connection.suspended ? "Suspended" : "Connected") : "Not connected"}
          </Badge>
        </div>
        {error ? <Notice tone="error">{error}</Notice> : null}
        {!error && notice.connected && connected ? <Notice tone="success">GitHub is connected: its repositories can now be deployed.</Notice> : null}
        {connected && connection.suspended ? (
          <Notice tone="error">The Autostack App is suspended on GitHub: pushes do not deploy and builds cannot clone until it is unsuspended there.</Notice>
        ) : null}
        {!connection.available ? (
          <Notice tone="info">
            <span id="github-unavailable">No GitHub App is configured on this server (GITHUB_APP_ID and friends); deploy from an https:// Git URL instead.</span>
          </Notice>
        ) : null}
      </CardContent>
      <CardFooter>
        {connected ? (
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="github-disconnect" />
            <Button type="submit" variant="secondary" disabled={busy}>
              Disconnect
            </Button>
          </Form>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="github-connect" />
            <Button type="submit" disabled={busy || !connection.available} aria-describedby={connection.available ? undefined : "github-unavailable"}>
              <GitHubIcon />
              Connect GitHub
            </Button>
          </Form>
        )}
      </CardFooter>
    </Card>
  );
}

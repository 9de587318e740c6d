import { Info } from "lucide-react";
import { Badge, Button, Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@autostack/ui";
import { GitHubIcon } from "~/components/BrandIcons";
import type { SettingsProfile } from "./types";

const COMING = "Arrives with the Autostack GitHub App integration";

export function GitHubPanel({ profile }: { profile: SettingsProfile }) {
  const connected = profile.githubConnected;
  return (
    <Card>
      <CardHeader>
        <CardTitle>GitHub</CardTitle>
        <CardDescription>Deploy repositories from your GitHub account.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <div className="flex items-center gap-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <span className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg bg-zinc-900 text-white dark:bg-white dark:text-zinc-900">
            <GitHubIcon className="h-5 w-5" />
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium text-zinc-900 dark:text-white">GitHub account</p>
            <p className="truncate text-sm text-zinc-500 dark:text-zinc-400">
              {connected ? (profile.githubUsername ? `Connected as @${profile.githubUsername}` : "Connected") : "No account connected"}
            </p>
          </div>
          {connected ? (
            <Badge variant="success" dot>
              Connected
            </Badge>
          ) : (
            <Badge variant="neutral" dot>
              Not connected
            </Badge>
          )}
        </div>
        <div className="flex gap-3 rounded-lg bg-zinc-50 p-4 text-sm text-zinc-600 dark:bg-zinc-800/40 dark:text-zinc-400">
          <Info className="mt-0.5 h-4 w-4 shrink-0 text-zinc-400" aria-hidden="true" />
          <p id="github-coming">
            Connecting GitHub arrives with the Autostack GitHub App integration. You will then be able to choose repositories
            here and deploy them on every push.
          </p>
        </div>
      </CardContent>
      <CardFooter>
        {connected ? (
          <Button variant="secondary" disabled title={COMING} aria-describedby="github-coming">
            Disconnect
          </Button>
        ) : (
          <span title={COMING}>
            <Button disabled aria-describedby="github-coming">
              <GitHubIcon />
              Connect GitHub
            </Button>
          </span>
        )}
      </CardFooter>
    </Card>
  );
}

import { Link, useNavigate } from "@remix-run/react";
import { CheckCircle2, FileText } from "lucide-react";
import { useEffect, useMemo, type ReactNode } from "react";
import { buttonClasses, Card, CardContent } from "@autostack/ui";
import type { DeployValues, WizardStep } from "./deploy-form";
import { automaticNodeLabel, installDescription } from "./detection";
import { checkEnvVars } from "./env-vars";
import type { Detection } from "./types";

// The wizard's last step (what will be deployed) and what it shows once the deployment started.

/** The spec: after "Deployment started", on to the Deployments page after 2 s. */
const REDIRECT_AFTER_MS = 2000;

export function DeploySummary({ values, detection, onEdit }: { values: DeployValues; detection: Detection | null; onEdit: (step: WizardStep) => void }) {
  const names = useMemo(() => checkEnvVars(values.envVars).names, [values.envVars]);
  const rows: [string, ReactNode, WizardStep][] = [
    ["Repository", <span className="break-all font-mono text-xs">{values.repository.trim()}</span>, 1],
    ["Branch", <span className="font-mono text-xs">{values.branch.trim()}</span>, 1],
    ["Root directory", values.rootDirectory.trim() ? <code className="font-mono text-xs">{values.rootDirectory.trim()}</code> : "Repository root", 1],
    ["Build command", values.buildCommand.trim() ? <code className="font-mono text-xs">{values.buildCommand.trim()}</code> : "No build step", 2],
    ["Install command", values.installCommand.trim() ? <code className="font-mono text-xs">{values.installCommand.trim()}</code> : installDescription(detection), 2],
    ["Output directory", <code className="font-mono text-xs">{values.outputDir.trim() || "."}</code>, 2],
    ["Node.js", values.nodeVersion ? `Node.js ${values.nodeVersion}` : automaticNodeLabel(detection), 2],
    ["Unknown paths", values.spaFallback === "true" ? "index.html (single-page app)" : "The site's 404.html", 2],
    [
      "Environment",
      names.length ? (
        <span className="flex flex-wrap gap-1">
          {names.map((name) => (
            <code key={name} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">
              {name}
            </code>
          ))}
        </span>
      ) : (
        "None"
      ),
      2,
    ],
  ];
  return (
    <dl className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
      {rows.map(([label, value, step]) => (
        <div key={label} className="grid grid-cols-[9rem_1fr_auto] items-start gap-3 px-4 py-2.5">
          <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
          <dd className="min-w-0 text-zinc-900 dark:text-zinc-100">{value}</dd>
          <dd>
            <button
              type="button"
              onClick={() => onEdit(step)}
              className="rounded text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400"
              aria-label={`Edit ${label.toLowerCase()}`}
            >
              Edit
            </button>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function DeployStarted({ deployment }: { deployment: { id: string; repo: string; branch: string } }) {
  const navigate = useNavigate();
  useEffect(() => {
    const timer = window.setTimeout(() => navigate("/deployments"), REDIRECT_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [navigate]);
  return (
    <Card>
      <CardContent className="flex flex-col items-center py-12 text-center">
        <span className="flex h-12 w-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-600 dark:bg-emerald-500/10 dark:text-emerald-400">
          <CheckCircle2 className="h-6 w-6" aria-hidden="true" />
        </span>
        {/* The status region wraps the heading: role="status" on the h2 itself would take away its heading role. */}
        <div role="status">
          <h2 className="mt-4 text-lg font-semibold text-zinc-900 dark:text-white">Deployment started</h2>
          <p className="mt-1.5 max-w-sm text-sm text-zinc-500 dark:text-zinc-400">
            {deployment.repo} ({deployment.branch}) is queued. Taking you to your deployments…
          </p>
        </div>
        <div className="mt-6 flex gap-3">
          <Link to={`/deployments/${deployment.id}`} className={buttonClasses()}>
            <FileText className="h-4 w-4" aria-hidden="true" />
            View logs
          </Link>
          <Link to="/deployments" className={buttonClasses({ variant: "secondary" })}>
            All deployments
          </Link>
        </div>
      </CardContent>
    </Card>
  );
}

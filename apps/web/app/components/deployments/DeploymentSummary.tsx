import type { Deployment } from "./types";
import { Card, CardHeader, CardTitle } from "@autostack/ui";
import type { ReactNode } from "react";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8.5rem_1fr] gap-3 py-2">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

function Code({ children }: { children: string }) {
  return <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{children}</code>;
}

const none = <span className="text-zinc-400 dark:text-zinc-500">—</span>;

/** How the deployment was built: repository, commands, directories, variable names (never values). */
export function DeploymentSummary({ deployment }: { deployment: Deployment }) {
  const names = deployment.envVarNames;
  return (
    <Card>
      <CardHeader className="pb-2">
        <CardTitle>Build settings</CardTitle>
      </CardHeader>
      <dl className="divide-y divide-zinc-100 px-6 pb-4 text-sm dark:divide-zinc-800/70">
        <Row label="Repository">
          <span className="font-mono text-xs">{deployment.repository}</span>
        </Row>
        <Row label="Build command">{deployment.buildCommand ? <Code>{deployment.buildCommand}</Code> : <span className="text-zinc-500">No build step</span>}</Row>
        <Row label="Install command">
          {deployment.installCommand === null ? (
            <span className="text-zinc-500">Automatic (the lockfile&apos;s package manager, else npm install)</span>
          ) : deployment.installCommand === "" ? (
            <span className="text-zinc-500">No install step</span>
          ) : (
            <Code>{deployment.installCommand}</Code>
          )}
        </Row>
        <Row label="Output directory">
          <Code>{deployment.outputDir}</Code>
        </Row>
        <Row label="Root directory">{deployment.rootDirectory ? <Code>{deployment.rootDirectory}</Code> : none}</Row>
        <Row label="Node.js version">
          {deployment.nodeVersion ? `Node.js ${deployment.nodeVersion}` : <span className="text-zinc-500">Automatic (engines.node, else Node.js 20)</span>}
        </Row>
        <Row label="Environment">
          {names === null ? (
            <span className="text-zinc-500">Not readable</span>
          ) : names.length === 0 ? (
            none
          ) : (
            <span className="flex flex-wrap gap-1">
              {names.map((name) => (
                <Code key={name}>{name}</Code>
              ))}
            </span>
          )}
        </Row>
        {deployment.productionUrl ? (
          <Row label="Production URL">
            <a href={deployment.productionUrl} target="_blank" rel="noreferrer" className="text-indigo-600 hover:underline dark:text-indigo-400">
              {deployment.productionUrl.replace(/^https?:\/\//, "")}
            </a>
          </Row>
        ) : null}
      </dl>
    </Card>
  );
}

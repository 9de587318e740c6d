import { formatDuration } from "../../domain/deployments/status.js";
import { escapeHtml } from "../mail/escape-html.js";
import type { MailMessage } from "../mail/message.js";

// The text of a deployment notification: plain text and a simple HTML
// version of the same lines, every value escaped. What it shows is what the
// deployment's page shows; the error message was masked by the worker before
// it was stored, and env vars are never read here.

export interface DeploymentOutcome {
  id: string;
  status: "success" | "failed";
  to: string;
  projectName: string;
  repository: string;
  branch: string | null;
  commitHash: string | null;
  commitMessage: string | null;
  /** Seconds. */
  buildDuration: number | null;
  deployedUrl: string | null;
  errorMessage: string | null;
}

const SUBJECT_MAX = 255;

/** The commit's first line, short enough for one line of a mail. */
function commitLine(hash: string | null, message: string | null): string | null {
  if (!hash && !message) return null;
  const title = message?.split("\n")[0]?.trim().slice(0, 200) ?? "";
  return [hash?.slice(0, 7), title].filter(Boolean).join(" ");
}

export function composeDeploymentMail(appUrl: string, outcome: DeploymentOutcome): MailMessage {
  const link = `${appUrl}/deployments/${outcome.id}`;
  const succeeded = outcome.status === "success";
  const branch = outcome.branch ?? "main";
  const subject = (succeeded ? `Deployed: ${outcome.projectName} (${branch})` : `Deployment failed: ${outcome.projectName} (${branch})`).slice(0, SUBJECT_MAX);
  const rows: [string, string | null][] = [
    ["Repository", outcome.repository],
    ["Branch", branch],
    ["Commit", commitLine(outcome.commitHash, outcome.commitMessage)],
    ["Duration", formatDuration(outcome.buildDuration)],
    ...(succeeded ? [["Site", outcome.deployedUrl] as [string, string | null]] : [["Error", outcome.errorMessage ?? "Build failed"] as [string, string | null]]),
    ["Details", link],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== null && row[1] !== "");
  const headline = succeeded ? `${outcome.projectName} is live.` : `The deployment of ${outcome.projectName} failed.`;
  const text = [headline, "", ...shown.map(([label, value]) => `${label}: ${value}`), "", "You get this mail because deployment notifications are on in Settings → Notifications."].join("\n");
  const cell = (label: string, value: string) => {
    const shownValue = label === "Site" || label === "Details" ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value);
    return `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td style="white-space:pre-wrap">${shownValue}</td></tr>`;
  };
  const html = [
    `<p>${escapeHtml(headline)}</p>`,
    `<table>${shown.map(([label, value]) => cell(label, value)).join("")}</table>`,
    `<p style="color:#71717a">You get this mail because deployment notifications are on in Settings → Notifications.</p>`,
  ].join("");
  return { to: outcome.to, subject, text, html };
}

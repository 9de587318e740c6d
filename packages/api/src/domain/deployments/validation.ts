// Pure checks of what a user may ask to deploy. No Node APIs: the browser
// bundles this file (through schemas/deployment.ts) so the deploy form says
// exactly what the server would. Everything here is a first line of defence;
// the worker still passes each value as one argv element, never through a shell.

export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(message: string): Result<T> => ({ ok: false, message });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const REPOSITORY_MAX = 255;
export const BRANCH_MAX = 100;
export const COMMAND_MAX = 2000;
export const PATH_MAX = 255;

/* ------------------------------------------------------------------ repository */

/** github: `owner/name` or a bare name (the connected account's); git: https URL; local: file:// (dev only). */
export type RepositoryKind = "github" | "git" | "local";

export interface ParsedRepository {
  kind: RepositoryKind;
  /** Canonical form stored and cloned: `https://host/path`, `file:///abs/path` or `owner/name`. */
  url: string;
  /** Display name, also the base of the project's slug. */
  name: string;
}

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_NAME = /^[A-Za-z0-9._-]{1,100}$/;

function repoName(lastSegment: string): string {
  return lastSegment.replace(/\.git$/i, "");
}

/** The URL parser leaves a stray "%zz" alone; decodeURIComponent would throw on it. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseHttpsUrl(value: string): Result<ParsedRepository> {
  if (/[?#]/.test(value)) return fail("The URL must not contain a query string or fragment");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("Enter a valid https:// URL");
  }
  // Tokens in URLs end up in logs, process lists and the repository column;
  // private repositories come through the GitHub connection instead.
  if (url.username || url.password) return fail("Remove the credentials from the URL");
  if (!url.hostname) return fail("The URL needs a host");
  const segments = url.pathname.split("/").filter(Boolean);
  const name = repoName(safeDecode(segments.at(-1) ?? ""));
  if (!name) return fail("The URL must include the repository path");
  return ok({ kind: "git", url: `https://${url.host}/${segments.join("/")}`, name });
}

function parseLocalPath(path: string): Result<ParsedRepository> {
  if (!path.startsWith("/")) return fail("A local repository needs an absolute path");
  if (CONTROL.test(path)) return fail("The path must not contain control characters");
  const segments = path.split("/").filter(Boolean);
  if (segments.length === 0) return fail("The path must name a directory");
  if (segments.some((s) => s === "." || s === "..")) return fail("The path must not contain . or .. segments");
  const url = `file:///${segments.map(encodeURIComponent).join("/")}`;
  return ok({ kind: "local", url, name: repoName(segments.at(-1)!) });
}

function parseFileUrl(value: string): Result<ParsedRepository> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("Enter a valid file:///path URL");
  }
  if (url.host && url.host !== "localhost") return fail("Use an absolute file URL: file:///path/to/repo");
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return fail("The path is not validly encoded");
  }
  return parseLocalPath(path);
}

function parseGithub(value: string): Result<ParsedRepository> | null {
  const parts = value.split("/");
  const [owner, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (parts.length > 2 || name === undefined || !GITHUB_NAME.test(name) || name === "." || name === "..") return null;
  if (owner !== undefined && !GITHUB_OWNER.test(owner)) return null;
  return ok({ kind: "github", url: value.replace(/\.git$/i, ""), name: repoName(name) });
}

/** Classifies and normalises a repository reference; rejects every other form. */
export function parseRepository(raw: string): Result<ParsedRepository> {
  const value = raw.trim();
  if (!value) return fail("Repository is required");
  if (value.length > REPOSITORY_MAX) return fail(`Repository must be at most ${REPOSITORY_MAX} characters`);
  // A leading dash would be read by git as an option (--upload-pack=...).
  if (value.startsWith("-")) return fail("Repository must not start with -");
  if (/\s/.test(value) || CONTROL.test(value)) return fail("Repository must not contain spaces or control characters");
  // git's remote helpers run programs: ext::sh -c ..., fd::, and so on.
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(value)) return fail("Git remote helpers such as ext:: are not allowed");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === "https") return parseHttpsUrl(value);
  if (scheme === "file") return parseFileUrl(value);
  if (scheme && value.slice(scheme.length + 1).startsWith("//")) {
    return fail(`${scheme}:// URLs are not supported; use an https:// URL`);
  }
  if (value.startsWith("/")) return parseLocalPath(value);
  if (/^[^/]*@[^/]*:/.test(value) || scheme) return fail("SSH addresses are not supported; use the https:// URL");
  return parseGithub(value) ?? fail("Enter an https:// Git URL or a GitHub repository (owner/name)");
}

/* ---------------------------------------------------------------------- branch */

const GIT_REF_FORBIDDEN = /[~^:?*[\\]/;
// Legal in git ref names, refused here anyway: they only ever appear in
// attempts to break out of a shell.
const SHELL_CHARACTERS = /[$`;&|<>(){}'"!]/;

/** git check-ref-format rules for a branch, plus no shell metacharacters. Null when valid. */
export function checkBranchName(name: string): string | null {
  if (!name) return "Branch is required";
  if (name.length > BRANCH_MAX) return `Branch must be at most ${BRANCH_MAX} characters`;
  if (/\s/.test(name) || CONTROL.test(name)) return "Branch must not contain spaces or control characters";
  if (name.startsWith("-")) return "Branch must not start with -";
  if (GIT_REF_FORBIDDEN.test(name)) return "Branch must not contain ~ ^ : ? * [ or \\";
  if (SHELL_CHARACTERS.test(name)) return "Branch must not contain $ ` ; & | < > ( ) { } ' \" or !";
  if (name.includes("..")) return "Branch must not contain ..";
  if (name === "@" || name.includes("@{")) return "Branch must not be @ or contain @{";
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return "Branch must not start or end with / or contain //";
  if (name.endsWith(".")) return "Branch must not end with .";
  for (const component of name.split("/")) {
    if (component.startsWith(".")) return "No part of the branch may start with .";
    if (component.endsWith(".lock")) return "No part of the branch may end with .lock";
  }
  return null;
}

/* ---------------------------------------------------------- paths and commands */

const PATH_SEGMENT = /^[A-Za-z0-9._@+-]+$/;

/**
 * A directory inside the checkout (output or root directory): relative, no
 * `..`, no leading `-`, a conservative character set. `./dist/` becomes
 * `dist`; the checkout's root itself is `.`.
 */
export function normalizeRelativePath(raw: string): Result<string> {
  const value = raw.trim();
  if (value.length > PATH_MAX) return fail(`Must be at most ${PATH_MAX} characters`);
  if (CONTROL.test(value)) return fail("Must not contain control characters");
  if (value.includes("\\")) return fail("Use / as the separator");
  if (value.startsWith("/") || value.startsWith("~")) return fail("Must be a path relative to the repository");
  const segments = value.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return fail("Must stay inside the repository (no ..)");
  if (segments.some((s) => !PATH_SEGMENT.test(s))) return fail("May only contain letters, digits and . _ - @ +");
  if (segments[0]?.startsWith("-")) return fail("Must not start with -");
  return ok(segments.length ? segments.join("/") : ".");
}

/** Build and install commands run inside the container; newlines and tabs are fine. */
export function checkCommand(command: string): string | null {
  if (command.length > COMMAND_MAX) return `Must be at most ${COMMAND_MAX} characters`;
  if (CONTROL_EXCEPT_WHITESPACE.test(command)) return "Must not contain control characters";
  return null;
}

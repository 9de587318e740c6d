import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ValidationError } from "../../errors.js";
import { GIT_SAFE_ARGS, gitEnvironment } from "../deployments/git-environment.js";
import { DIRECTORIES_TO_LIST, FILES_TO_READ, type EntryKind, type RepositoryView } from "./detect.js";
import { directoryBytes, GitFailure, runGit } from "./git-process.js";

// The few files framework detection needs, read from a remote repository
// without checking it out. The repository is hostile input: git runs with an
// argument vector (never a shell, git-process.ts), a private HOME, no
// prompts, no system config and only the transport of this URL; the clone is
// shallow, has no worktree, leaves blobs over 1 MB on the server and is
// stopped past MAX_CLONE_BYTES; symbolic links are never read; every call has
// a deadline and capped output; the temporary directory is always removed.
// After the clone no transport is allowed at all, so a partial clone's lazy
// fetch of a missing (large) blob fails at once instead of downloading it.

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_CLONE_BYTES = 100 * 1024 * 1024;
export const DETECTION_TIMEOUT_MS = 30_000;
const LISTING_MAX_BYTES = 4 * 1024 * 1024;

export interface RepositorySource {
  /** Canonical and allowed (resolveRepository): `https://host/path` or `file:///abs/path`. */
  url: string;
  branch: string;
  /** Validated relative path (normalizeRelativePath); null or "." is the repository root. */
  rootDirectory: string | null;
  timeoutMs?: number;
  maxCloneBytes?: number;
  /** `-c` options for the clone (the address pin of repository-address.ts). */
  gitConfig?: string[];
  /** More environment for the clone only (a GitHub installation token as an HTTP header; never argv). */
  cloneEnv?: Record<string, string>;
  /** http as well as https (GITHUB_URL on http: a local stand-in). */
  allowHttp?: boolean;
  /** Where the temporary directory goes (default: the system's). */
  tmpRoot?: string;
}

/** git's own "fatal:" and "error:" lines; what the server says ("remote: …") is the repository's and does not count. */
function verdict(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => /^(fatal|error):/.test(line))
    .join("\n");
}

/** A failed clone as a field error: the branch when the repository answered without it, else the repository. */
function cloneError(failure: unknown, source: RepositorySource, limits: { timeoutMs: number; maxCloneBytes: number }): ValidationError {
  if (!(failure instanceof GitFailure)) throw failure;
  const repository = (message: string) => new ValidationError(message, { repository: message });
  if (failure.reason === "timeout") return repository(`The repository did not answer within ${Math.round(limits.timeoutMs / 1000)} s`);
  if (failure.reason === "disk") return repository(`The repository is too large to inspect: its latest commit is over ${Math.round(limits.maxCloneBytes / 1024 / 1024)} MB`);
  const text = verdict(failure.stderr);
  if (/Remote branch .* not found|couldn't find remote ref/i.test(text)) {
    const message = `No branch "${source.branch}" in this repository`;
    return new ValidationError(message, { branch: message });
  }
  if (/Could not resolve host|Could not resolve proxy/i.test(text)) return repository("Could not reach the repository: its host name does not resolve");
  if (/Failed to connect|Connection refused|Connection timed out|Couldn't connect|Network is unreachable/i.test(text)) {
    return repository("Could not reach the repository: the connection failed");
  }
  if (/SSL|certificate|TLS/i.test(text)) return repository("Could not reach the repository: its TLS certificate was not accepted");
  if (/Authentication failed|could not read Username|terminal prompts disabled|returned error: 40[13]/i.test(text)) {
    return repository("The repository does not exist or is private (it asks for credentials): only public repositories can be deployed");
  }
  if (/not found|does not appear to be a git repository|not a git repository|returned error: 404/i.test(text)) {
    return repository("No Git repository at this address");
  }
  if (/not allowed/i.test(text)) return repository("This kind of repository address is not allowed");
  return repository("Could not read the repository");
}

const KINDS: Record<string, EntryKind> = { "040000": "dir", "120000": "symlink", "100644": "file", "100755": "file" };

/** `git ls-tree -z` output → name → kind and blob id (submodules are left out). */
function parseListing(output: Buffer, prefix: string, into: Map<string, { kind: EntryKind; oid: string }>): void {
  for (const record of output.toString("utf8").split("\0")) {
    const match = /^(\d{6}) \w+ ([0-9a-f]{40,64})\t(.+)$/s.exec(record);
    const kind = match ? KINDS[match[1]!] : undefined;
    if (match && kind) into.set(prefix + match[3]!, { kind, oid: match[2]! });
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The project root's entries (and those of DIRECTORIES_TO_LIST) and the text
 * of FILES_TO_READ that are regular files of at most 1 MB. A missing branch,
 * root directory or unreachable repository is a ValidationError on that field.
 */
export async function readRepositoryView(source: RepositorySource): Promise<RepositoryView> {
  const limits = { timeoutMs: source.timeoutMs ?? DETECTION_TIMEOUT_MS, maxCloneBytes: source.maxCloneBytes ?? MAX_CLONE_BYTES };
  const deadline = Date.now() + limits.timeoutMs;
  const base = await mkdtemp(path.join(source.tmpRoot ?? tmpdir(), "autostack-detect-"));
  try {
    const home = path.join(base, "home");
    const dir = path.join(base, "repo");
    await mkdir(home);
    const git = (args: string[], options: { cwd?: string; protocols: string; maxStdout: number; diskLimit?: { dir: string; maxBytes: number }; extraEnv?: Record<string, string> }) =>
      runGit({ args: [...GIT_SAFE_ARGS, ...args], env: { ...gitEnvironment(home, options.protocols), ...options.extraEnv }, deadline, ...options });
    // A clone keeps what it receives as one pack: its size is what the repository costs the disk.
    const packs = path.join(dir, ".git", "objects", "pack");
    try {
      await git([...(source.gitConfig ?? []), "clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--branch", source.branch, "--no-checkout", "--filter=blob:limit=1m", "--", source.url, dir], {
        protocols: source.url.startsWith("file:") ? "file" : source.allowHttp ? "https:http" : "https",
        extraEnv: source.cloneEnv,
        maxStdout: 64 * 1024,
        diskLimit: { dir: packs, maxBytes: limits.maxCloneBytes },
      });
      if ((await directoryBytes(packs)) > limits.maxCloneBytes) throw new GitFailure("", "disk");
    } catch (error) {
      throw cloneError(error, source, limits);
    }
    // From here on: no transport at all (a missing blob stays missing).
    const local = (args: string[], maxStdout: number) => git(args, { cwd: dir, protocols: "", maxStdout });
    const root = source.rootDirectory && source.rootDirectory !== "." ? source.rootDirectory : "";
    const entries = new Map<string, { kind: EntryKind; oid: string }>();
    try {
      parseListing(await local(["ls-tree", "-z", `HEAD:${root}`], LISTING_MAX_BYTES), "", entries);
    } catch (error) {
      if (error instanceof GitFailure && error.reason === "timeout") throw cloneError(error, source, limits);
      const message = root ? `No directory ${root} on branch ${source.branch}` : "The repository's files could not be listed";
      throw new ValidationError(message, root ? { rootDirectory: message } : { repository: message });
    }
    for (const name of DIRECTORIES_TO_LIST) {
      if (entries.get(name)?.kind !== "dir") continue;
      const listing = await local(["ls-tree", "-z", `HEAD:${root ? `${root}/` : ""}${name}`], LISTING_MAX_BYTES).catch(() => null);
      if (listing) parseListing(listing, `${name}/`, entries);
    }

    const texts = new Map<string, string>();
    const skipped = new Map<string, string>();
    for (const name of FILES_TO_READ) {
      const entry = entries.get(name);
      if (entry?.kind !== "file") continue;
      // Blobs over the clone's size filter were never downloaded: asking for them fails (no transport).
      const size = await local(["cat-file", "-s", entry.oid], 64).then((out) => Number(out.toString("utf8").trim()), () => Infinity);
      if (!(size <= MAX_FILE_BYTES)) {
        skipped.set(name, "is larger than 1 MB");
        continue;
      }
      try {
        texts.set(name, utf8.decode(await local(["cat-file", "blob", entry.oid], MAX_FILE_BYTES + 1)));
      } catch {
        skipped.set(name, "is not UTF-8 text");
      }
    }
    const files = new Map([...entries].map(([name, entry]) => [name, entry.kind]));
    return { files, read: (name) => texts.get(name) ?? null, skipped };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A git repository at `dir` (branch main, one commit) holding `files`; returns its file:// URL. */
export async function createGitRepo(dir: string, files: Record<string, string>): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=E2E Author", "-c", "user.email=e2e@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", `Initial ${path.basename(dir)}`);
  return pathToFileURL(dir).href;
}

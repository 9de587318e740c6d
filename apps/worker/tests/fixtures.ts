import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

// Fixtures shared by the Docker and the bubblewrap suites.

const run = promisify(execFile);

/** A git repository (branch main) with `files`, one commit; returns its file:// URL. */
export async function fixtureRepo(root: string, name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=Fixture Author", "-c", "user.email=fixture@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", `initial ${name}`);
  return pathToFileURL(dir).href;
}

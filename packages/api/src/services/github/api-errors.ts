import { AppError, type NotFoundError } from "../../errors.js";

// What a failed GitHub call becomes: the status only. An Octokit error's
// message and request carry the URL, headers and GitHub's answer; none of
// that (nor any token) is repeated to the user or a log line.

export class GithubApiError extends AppError {
  /** GitHub's HTTP status, when it answered at all. */
  readonly githubStatus: number | undefined;
  constructor(what: string, status: number | undefined) {
    super("GITHUB_API_ERROR", 502, `GitHub did not answer ${what}${status ? ` (HTTP ${status})` : ""}`);
    this.githubStatus = status;
  }
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** Runs a GitHub call; 404 → `notFound` when given, every other failure → GithubApiError (no details). */
export async function githubCall<T>(what: string, call: () => Promise<T>, notFound?: () => NotFoundError): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const status = statusOf(error);
    if (status === 404 && notFound) throw notFound();
    throw new GithubApiError(what, status);
  }
}

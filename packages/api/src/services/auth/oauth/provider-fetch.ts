// The provider's REST calls after the code exchange (GitHub's /user and
// /user/emails, Google's userinfo): fetch with a deadline, and an error that
// says which call failed and how, never what token it carried.

export const PROVIDER_TIMEOUT_MS = 10_000;

/** The provider could not be reached or answered something unusable. */
export class OAuthProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OAuthProviderError";
  }
}

export async function fetchProviderJson(url: string, accessToken: string, accept = "application/json"): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept, "user-agent": "Autostack" },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      redirect: "error",
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${PROVIDER_TIMEOUT_MS / 1000} s` : "unreachable";
    throw new OAuthProviderError(`GET ${url}: ${reason}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new OAuthProviderError(`GET ${url}: HTTP ${response.status}`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new OAuthProviderError(`GET ${url}: the answer is not JSON`, { cause: error });
  }
}

/** Races a promise (arctic's token request, which takes no signal) against the same deadline. */
export async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OAuthProviderError(`${what}: no answer within ${PROVIDER_TIMEOUT_MS / 1000} s`)), PROVIDER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

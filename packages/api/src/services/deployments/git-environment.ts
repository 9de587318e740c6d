// How every git process of the platform runs against a user's repository (the
// worker's clone, the web's framework detection): no prompts, no system or
// user configuration (a private HOME), only the transports allowed, and no
// ext:: remote helper whatever the URL says.

/** Options that go before every git subcommand. */
export const GIT_SAFE_ARGS: readonly string[] = ["-c", "protocol.ext.allow=never"];

/** All git gets of the server's environment: where to find it. (A cast: apps may declare required variables on ProcessEnv.) */
export function gitEnvironment(home: string, protocols: string): NodeJS.ProcessEnv {
  const env: Record<string, string> = {
    // eslint-disable-next-line no-restricted-properties
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_ALLOW_PROTOCOL: protocols,
  };
  return env as NodeJS.ProcessEnv;
}

/**
 * git configuration passed through the environment (GIT_CONFIG_COUNT,
 * GIT_CONFIG_KEY_n, GIT_CONFIG_VALUE_n): unlike `-c`, the values appear in no
 * process's argv, and unlike credentials in the URL, in no error git prints.
 */
export function gitConfigEnvironment(entries: [key: string, value: string][]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** HTTP Basic credentials sent only to URLs under `baseUrl` (git's http.<url>.extraHeader). */
export function basicAuthGitConfig(baseUrl: string, user: string, password: string): [string, string] {
  return [`http.${baseUrl.replace(/\/*$/, "/")}.extraHeader`, `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`];
}

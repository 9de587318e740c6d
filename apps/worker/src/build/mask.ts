// Hides secrets in build log lines: the values of the deployment's env vars
// and credentials embedded in URLs (https://user:token@host). Pure.

export const MASK = "***";
const MIN_SECRET_LENGTH = 4;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;

export type Masker = (line: string) => string;

export function createMasker(secrets: Iterable<string>): Masker {
  // Longest first: a secret containing another must be replaced whole.
  const values = [...new Set([...secrets].filter((value) => value.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  return (line) => {
    let masked = line;
    for (const value of values) if (masked.includes(value)) masked = masked.split(value).join(MASK);
    return masked.replace(URL_CREDENTIALS, `$1${MASK}@`);
  };
}

export function maskLine(line: string, secrets: Iterable<string>): string {
  return createMasker(secrets)(line);
}

/** The user name and password of a URL with credentials (decoded and as written), for createMasker. */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  };
  return [parsed.username, parsed.password].filter(Boolean).flatMap((value) => [value, decode(value)]);
}

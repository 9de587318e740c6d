// Hides secrets in build log lines: the values of the deployment's env vars
// and credentials embedded in URLs (https://user:token@host). Pure.

export const MASK = "***";
const MIN_SECRET_LENGTH = 4;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;

export type Masker = (line: string) => string;

export function createMasker(secrets: Iterable<string>): Masker {
  const forms = [...secrets].flatMap(secretForms).filter((value) => value.length >= MIN_SECRET_LENGTH);
  const values = [...new Set(forms)];
  return (line) => maskSpans(line, values).replace(URL_CREDENTIALS, `$1${MASK}@`);
}

/**
 * Every occurrence of every secret in the original line, then each run of
 * overlapping or touching ones replaced once: two secrets that overlap
 * ("abcdef" and "defghi" in "abcdefghi") leave nothing of either.
 */
function maskSpans(line: string, values: readonly string[]): string {
  const spans: [start: number, end: number][] = [];
  for (const value of values) {
    for (let at = line.indexOf(value); at !== -1; at = line.indexOf(value, at + 1)) spans.push([at, at + value.length]);
  }
  if (spans.length === 0) return line;
  spans.sort((a, b) => a[0] - b[0]);
  let masked = "";
  let copied = 0;
  let [start, end] = spans[0]!;
  for (const [nextStart, nextEnd] of spans) {
    if (nextStart <= end) {
      end = Math.max(end, nextEnd);
      continue;
    }
    masked += line.slice(copied, start) + MASK;
    copied = end;
    [start, end] = [nextStart, nextEnd];
  }
  return masked + line.slice(copied, start) + MASK + line.slice(end);
}

/**
 * A value and each of its lines. Masking works per log line, and a build
 * prints a multi-line value (a PEM key) over several lines, none of which
 * holds the whole value. The log splits lines on "\n" and drops a trailing
 * "\r", so each line is taken without it.
 */
function secretForms(value: string): string[] {
  return [value, ...value.split("\n").map((line) => line.replace(/\r$/, ""))];
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

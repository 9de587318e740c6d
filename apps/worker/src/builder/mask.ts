// Hides secrets in build log lines: the values of the deployment's env vars
// and credentials embedded in URLs (https://user:token@host). Pure.

import { secretEncodings } from "./secret-encodings.js";
import { SecretMatcher } from "./secret-matcher.js";
import { maskUrlCredentials } from "./url-credentials.js";

export const MASK = "***";
const MIN_SECRET_LENGTH = 4;

export type Masker = (line: string) => string;

/**
 * A masker for the values `secrets`, each line of a multi-line one, and their
 * common encodings (secret-encodings.ts). A line costs time linear in its
 * length whatever it holds: one Aho–Corasick pass for every value at once,
 * one scan for URL credentials. `cost`, when given, counts the steps of both
 * (tests use it to prove the work is linear).
 */
export function createMasker(secrets: Iterable<string>, cost?: { steps: number }): Masker {
  const values = [...secrets].flatMap(secretForms).flatMap((value) => [value, ...secretEncodings(value)]);
  const matcher = new SecretMatcher(values.filter((value) => value.length >= MIN_SECRET_LENGTH));
  return (line) => maskUrlCredentials(maskRanges(line, matcher.ranges(line, cost)), MASK, cost);
}

/**
 * Each range of overlapping or touching occurrences replaced once: two
 * secrets that overlap ("abcdef" and "defghi" in "abcdefghi") leave nothing
 * of either.
 */
function maskRanges(line: string, ranges: number[] | null): string {
  if (!ranges) return line;
  let masked = "";
  let copied = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    masked += line.slice(copied, ranges[i]) + MASK;
    copied = ranges[i + 1]!;
  }
  return masked + line.slice(copied);
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

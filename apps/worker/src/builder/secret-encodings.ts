/**
 * The common ways a build prints a secret other than as it is, each masked as
 * well: base64 (standard and URL-safe, with and without padding),
 * encodeURIComponent, JSON string escaping (without the quotes) and hex of the
 * UTF-8 bytes (lower and upper case).
 *
 * Base64 inside a longer base64 text (a secret in the middle of an encoded
 * "user:token" header or config file) is not the secret's own base64: its
 * characters depend on where the secret's bytes fall in the 3-byte groups.
 * For each of the three alignments only the characters made of the secret's
 * bits alone are the same in every text; those cores are masked (the one or
 * two characters at either end that mix in neighbouring bytes stay), as
 * GitHub Actions' masker does.
 *
 * Only for secrets of MIN_ENCODED_SECRET_LENGTH characters or more: the cores
 * of a shorter secret's base64 are a handful of characters that random base64
 * and hex in a log (hashes, integrity strings) would match.
 */
export const MIN_ENCODED_SECRET_LENGTH = 8;

export function secretEncodings(value: string): string[] {
  if (value.length < MIN_ENCODED_SECRET_LENGTH) return [];
  const bytes = Buffer.from(value, "utf8");
  const forms = new Set<string>();
  const padded = bytes.toString("base64");
  for (const base64 of [padded, padded.replace(/=+$/, ""), ...base64Cores(bytes)]) {
    forms.add(base64);
    forms.add(toBase64Url(base64));
  }
  forms.add(encodeURIComponent(value));
  forms.add(JSON.stringify(value).slice(1, -1));
  const hex = bytes.toString("hex");
  forms.add(hex);
  forms.add(hex.toUpperCase());
  forms.delete(value);
  return [...forms];
}

/** For 0, 1 and 2 bytes before the secret: the base64 characters that encode the secret's bits only. */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let before = 0; before < 3; before++) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString("base64");
    // Character j holds bits [6j, 6j + 6) of the input; the secret's are [8·before, 8·(before + length)).
    const first = Math.ceil((8 * before) / 6);
    const end = Math.floor((8 * (before + bytes.length)) / 6);
    cores.push(encoded.slice(first, end));
  }
  return cores;
}

function toBase64Url(base64: string): string {
  return base64.replaceAll("+", "-").replaceAll("/", "_");
}

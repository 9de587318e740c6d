/**
 * Replaces the credentials of URLs in a line (https://user:token@host →
 * https://***@host), as /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi
 * would, but in linear time. That regex is quadratic: from every letter of
 * a long run such as "aaaa…" it reads to the run's end looking for "://" and
 * backtracks (seconds for a 65,000-character line). Here each "://" is found
 * once with indexOf, its scheme read backwards and its user part forwards;
 * both reads stop at characters that "://" contains, so no character is read
 * more than a few times.
 */
export function maskUrlCredentials(line: string, mask: string, cost?: { steps: number }): string {
  let at = line.indexOf("://");
  if (at === -1) return line;
  let steps = 0;
  let out = "";
  let copied = 0; // line[0, copied) is in `out`; a match never starts before it
  for (; at !== -1; at = line.indexOf("://", at + 1)) {
    // The scheme: the run of scheme characters before "://", from its first letter.
    let start = at;
    while (start > copied && isSchemeChar(line.charCodeAt(start - 1))) start--;
    steps += at - start;
    while (start < at && !isLetter(line.charCodeAt(start))) start++;
    if (start === at) continue;
    const end = credentialsEnd(line, at + 3);
    steps += (end < 0 ? -end : end) - at;
    if (end < 0) continue;
    out += `${line.slice(copied, at + 3)}${mask}@`;
    copied = end;
    at = end - 1;
  }
  if (cost) cost.steps += steps;
  return copied === 0 ? line : out + line.slice(copied);
}

/**
 * Index after the "@" of "user@" or "user:password@" at `from` (user not
 * empty, neither with "/", "@" or whitespace, the user without ":"), or minus
 * the index where reading stopped when there is none.
 */
function credentialsEnd(line: string, from: number): number {
  let i = from;
  while (i < line.length && isUserChar(line.charCodeAt(i))) i++;
  if (i === from || i === line.length) return -i;
  if (line.charCodeAt(i) === AT) return i + 1;
  if (line.charCodeAt(i) !== COLON) return -i;
  i++;
  while (i < line.length && isPasswordChar(line.charCodeAt(i))) i++;
  return i < line.length && line.charCodeAt(i) === AT ? i + 1 : -i;
}

const AT = 0x40;
const COLON = 0x3a;
const SLASH = 0x2f;
const WHITESPACE = /\s/;

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isSchemeChar(code: number): boolean {
  return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2e || code === 0x2d;
}

function isPasswordChar(code: number): boolean {
  if (code === SLASH || code === AT) return false;
  // The regex's \s: ASCII whitespace, and beyond ASCII the Unicode spaces.
  if (code <= 0x20) return !(code === 0x20 || (code >= 0x09 && code <= 0x0d));
  return code < 0x80 || !WHITESPACE.test(String.fromCharCode(code));
}

function isUserChar(code: number): boolean {
  return code !== COLON && isPasswordChar(code);
}

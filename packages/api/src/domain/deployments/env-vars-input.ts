// Parsing and checking of the user's build environment variables. Pure (the
// browser bundles it too). Values are secrets: no message here repeats one.

export interface EnvVar {
  key: string;
  value: string;
}

/** The forms the API accepts: the spec's "KEY=VALUE\n..." text, a list, or an object. */
export type EnvVarsInput = string | EnvVar[] | Record<string, string>;

export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_ENV_VARS = 100;
export const MAX_ENV_BYTES = 64 * 1024;
export const MAX_ENV_NAME = 255;

// Names the platform or the container runtime owns. Overriding them would
// break the build harness (PATH, HOME), make the shell or loader run code
// before the user's command (BASH_ENV, LD_PRELOAD), redirect git (GIT_*), or
// impersonate values the platform provides (AUTOSTACK_*). NODE_OPTIONS and
// NODE_ENV stay allowed: builds legitimately tune them and they only affect
// the user's own container.
const RESERVED_NAMES = new Set([
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "OLDPWD", "HOSTNAME", "IFS", "ENV",
  "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND",
]);
const RESERVED_PREFIXES = ["LD_", "DYLD_", "GIT_", "DOCKER_", "AUTOSTACK_", "BASH_FUNC_"];

/** Null when the name may be used. */
export function checkEnvVarName(name: string): string | null {
  if (!name) return "Variable name is required";
  if (name.length > MAX_ENV_NAME) return `Variable name must be at most ${MAX_ENV_NAME} characters`;
  if (!ENV_VAR_NAME.test(name)) return "Variable names use letters, digits and _, and do not start with a digit";
  const upper = name.toUpperCase();
  if (RESERVED_NAMES.has(upper) || RESERVED_PREFIXES.some((p) => upper.startsWith(p))) {
    return `${name} is reserved by the platform`;
  }
  return null;
}

/** `"a b"` and `'a b'` lose their quotes, as in a .env file; nothing is unescaped. */
function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}

interface Entry {
  /** Where the entry came from: the line index (text), array index, or key (object). */
  path: string | number;
  key: string;
  value: string;
}

function entriesOf(input: EnvVarsInput, errors: [string | number, string][]): Entry[] {
  if (Array.isArray(input)) return input.map((v, i) => ({ path: i, key: v.key.trim(), value: v.value }));
  if (typeof input !== "string") return Object.entries(input).map(([key, value]) => ({ path: key, key, value }));
  const entries: Entry[] = [];
  input.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq < 0) {
      errors.push([index, `Line ${index + 1}: expected KEY=VALUE`]);
      return;
    }
    entries.push({ path: index, key: line.slice(0, eq).trim(), value: unquote(line.slice(eq + 1).trim()) });
  });
  return entries;
}

/**
 * Every variable, or errors keyed by where each came from (0-based line of
 * the text form, index of the list, key of the object). An empty key in
 * `errors` means the whole set is wrong (too many, too large).
 */
export function parseEnvVars(input: EnvVarsInput): { vars: EnvVar[]; errors: [string | number, string][] } {
  const errors: [string | number, string][] = [];
  const entries = entriesOf(input, errors);
  const seen = new Set<string>();
  const vars: EnvVar[] = [];
  let bytes = 0;
  const encoder = new TextEncoder();
  for (const entry of entries) {
    const problem = checkEnvVarName(entry.key) ?? (entry.value.includes("\u0000") ? "Values must not contain NUL characters" : null);
    if (problem) {
      errors.push([entry.path, problem]);
      continue;
    }
    if (seen.has(entry.key)) {
      errors.push([entry.path, `${entry.key} is defined twice`]);
      continue;
    }
    seen.add(entry.key);
    bytes += encoder.encode(entry.key).length + encoder.encode(entry.value).length + 2;
    vars.push({ key: entry.key, value: entry.value });
  }
  if (vars.length > MAX_ENV_VARS) errors.push(["", `At most ${MAX_ENV_VARS} variables`]);
  if (bytes > MAX_ENV_BYTES) errors.push(["", `At most ${MAX_ENV_BYTES / 1024} KiB of variables in total`]);
  return { vars, errors };
}

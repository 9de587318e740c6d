// Values for the fuzzer's inputs (fuzz-inputs.ts): the seeded generator, and
// field values and JSON objects that are wrong in type, content, size or depth.

/** mulberry32: small, fast and good enough to pick test inputs. */
export function createRng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number): boolean => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
  };
}
export type Rng = ReturnType<typeof createRng>;

/** What the test knows that the generator may use: real ids reach deeper code. */
export interface KnownValues {
  /** Deployment ids: the fuzzing user's own and another user's. */
  deploymentIds: string[];
}

export const DEEP_NESTING = 10_000;

/**
 * encodeURIComponent that does not throw on lone surrogates: they go out as
 * their (invalid) three UTF-8-style bytes, %ED%A0%80 for U+D800.
 */
export function encodeAny(text: string): string {
  let encoded = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      encoded += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else encoded += encodeURIComponent(char);
  }
  return encoded;
}
/** Deep enough to matter, short enough to fit Node's 16 KB request head. */
export const URL_NESTING = 1_000;
export const MAX_QUERY = 9_000;

export const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
export const deepObject = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

export const HUGE = "x".repeat(100 * 1024);

/** Strings that are wrong in content rather than type. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "   \t\n  ",
  "a\u0000b",
  "\u0000",
  "\u0001\u0002\u0007\u001b[31mred\u001b[0m",
  "line\r\nInjected-Header: yes",
  "\ud800",
  "x\udfffy",
  "\udbff\udfff\ud800",
  "\u202egnp.exe",
  "\ufeffbom",
  "zero\u200bwidth",
  "e\u0301\u0301\u0301\u0301",
  "𝕏𝔂𝔷 🧪👩🏽‍💻",
  "\uffff\ufffe",
  "' OR 1=1 --",
  "'; DROP TABLE \"User\"; --",
  "$(touch /tmp/fuzzed)",
  "`id`",
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  "../../../../etc/passwd",
  "..\\..\\windows",
  "%00%2e%2e%2f",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e999",
  "0x10",
  "true",
  "{}",
  "[]",
  "a@b",
  "@example.com",
  "a\u0000@example.com",
  "ünï@exämple.com",
  "file:///etc/passwd",
  "http://127.0.0.1:5432/",
  "http://[::ffff:169.254.169.254]/latest",
  "https://github.com/acme/site\u0000.git",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
];

/** Values of the wrong JSON type for any field. */
const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.000001,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  [1, "a", null],
  [[[]]],
  {},
  { a: 1 },
  { $gt: "" },
  { contains: "a" },
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
];

function bigString(rng: Rng): string {
  return rng.chance(0.5) ? HUGE : `${rng.pick(NASTY_STRINGS)}${"\u0000\ud800é".repeat(2_000)}`;
}

/** A plausible value for a field, so that one bad field among good ones reaches the service behind the schema. */
export function plausible(rng: Rng, field: string, known: KnownValues): unknown {
  switch (field) {
    case "email":
    case "confirmEmail":
      return `fuzz-${rng.int(1e9)}@example.com`;
    case "password":
      return "correct-horse-battery";
    case "name":
      return "Fuzz Tester";
    case "repository":
      return rng.pick(["https://github.com/acme/site", "acme/site", "https://example.invalid/repo.git"]);
    case "branch":
      return rng.pick(["main", "feature/x"]);
    case "id":
    case "deploymentId":
      return rng.pick(known.deploymentIds);
    case "page":
      return 1;
    case "limit":
      return 10;
    case "theme":
      return "dark";
    case "outputDir":
      return "dist";
    case "buildCommand":
      return "npm run build";
    case "envVars":
      return rng.pick(["A=1", [{ key: "A", value: "1" }], { A: "1" }]);
    case "nodeVersion":
      return null;
    case "spaFallback":
    case "rememberMe":
      return false;
    default:
      return "x";
  }
}

/** Something wrong for any field: a wrong type, a nasty string, a huge one or a deep one. */
export function malformedValue(rng: Rng): unknown {
  const roll = rng.int(10);
  if (roll < 4) return rng.pick(WRONG_TYPES);
  if (roll < 8) return rng.pick(NASTY_STRINGS);
  if (roll < 9) return bigString(rng);
  return rng.chance(0.5) ? JSON.parse(deepArray(200)) : JSON.parse(deepObject(200));
}

function fieldValue(rng: Rng, field: string, known: KnownValues): unknown {
  return rng.chance(0.4) ? plausible(rng, field, known) : malformedValue(rng);
}

/** A JSON object for the given fields: some plausible, some malformed, some missing, plus unknown keys. */
export function malformedObject(rng: Rng, fields: readonly string[], known: KnownValues): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of fields) if (rng.chance(0.8)) object[field] = fieldValue(rng, field, known);
  if (rng.chance(0.3)) object[rng.pick(["extra", "isAdmin", "userId", "role", "id", "createdAt"])] = malformedValue(rng);
  return object;
}

/** Object text with prototype-pollution keys as own JSON keys (JSON.stringify would drop them). */
export function pollutingJson(rng: Rng, fields: readonly string[], known: KnownValues): string {
  const base = JSON.stringify(malformedObject(rng, fields, known)).slice(1, -1);
  const poison = rng.pick([
    '"__proto__":{"polluted":"yes","isAdmin":true}',
    '"constructor":{"prototype":{"polluted":"yes"}}',
    '"__proto__":null',
    '"prototype":{"polluted":"yes"}',
  ]);
  return `{${[poison, base].filter(Boolean).join(",")}}`;
}

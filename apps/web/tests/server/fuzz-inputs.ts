// The fuzzer's input generator (fuzz.test.ts): malformed requests for a REST
// operation (as the OpenAPI document describes it) or a tRPC procedure (as the
// router declares it), drawn from a seeded generator so that a failing run is
// reproduced with the same FUZZ_SEED. Nothing here talks to the server.

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

/** Who a request claims to be; the test turns it into headers at send time. */
export type Auth = "none" | "bearer" | "cookie" | "cookie-no-origin" | "forged-bearer" | "huge-bearer";

export interface FuzzRequest {
  /** "rest POST /deployments" or "trpc deployment.create": the endpoint under test. */
  endpoint: string;
  /** What kind of malformation this is, for the failure report. */
  label: string;
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  auth: Auth;
}

/** What the test knows that the generator may use: real ids reach deeper code. */
export interface KnownValues {
  /** Deployment ids: the fuzzing user's own and another user's. */
  deploymentIds: string[];
}

export interface RestOperation {
  method: string;
  /** OpenAPI path under /api, e.g. /deployments/{id}. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** Property names of the JSON body, or undefined when the operation takes no body. */
  bodyProperties?: string[];
}

export interface TrpcProcedure {
  path: string;
  type: "query" | "mutation" | "subscription";
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
const URL_NESTING = 1_000;
const MAX_QUERY = 9_000;

const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

const HUGE = "x".repeat(100 * 1024);

/** Strings that are wrong in content rather than type. */
const NASTY_STRINGS: readonly string[] = [
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
function plausible(rng: Rng, field: string, known: KnownValues): unknown {
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
function malformedObject(rng: Rng, fields: readonly string[], known: KnownValues): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of fields) if (rng.chance(0.8)) object[field] = fieldValue(rng, field, known);
  if (rng.chance(0.3)) object[rng.pick(["extra", "isAdmin", "userId", "role", "id", "createdAt"])] = malformedValue(rng);
  return object;
}

/** Object text with prototype-pollution keys as own JSON keys (JSON.stringify would drop them). */
function pollutingJson(rng: Rng, fields: readonly string[], known: KnownValues): string {
  const base = JSON.stringify(malformedObject(rng, fields, known)).slice(1, -1);
  const poison = rng.pick([
    '"__proto__":{"polluted":"yes","isAdmin":true}',
    '"constructor":{"prototype":{"polluted":"yes"}}',
    '"__proto__":null',
    '"prototype":{"polluted":"yes"}',
  ]);
  return `{${[poison, base].filter(Boolean).join(",")}}`;
}

/** Bodies that are not a JSON object at all, with the content type they travel under. */
function rawBody(rng: Rng): { label: string; body: string | Uint8Array; contentType?: string; headers?: Record<string, string> } {
  return rng.pick([
    { label: "invalid JSON", body: '{"email": "a@b.c",', contentType: "application/json" },
    { label: "trailing garbage", body: '{"a":1} {"b":2}', contentType: "application/json" },
    { label: "single quotes", body: "{'a': 1}", contentType: "application/json" },
    { label: "NaN literal", body: '{"page": NaN}', contentType: "application/json" },
    { label: "deep array", body: deepArray(DEEP_NESTING), contentType: "application/json" },
    { label: "deep object", body: deepObject(DEEP_NESTING), contentType: "application/json" },
    { label: "deep field", body: `{"name":${deepArray(DEEP_NESTING)},"id":${deepObject(DEEP_NESTING)}}`, contentType: "application/json" },
    { label: "invalid UTF-8", body: new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x7d]), contentType: "application/json" },
    { label: "escaped lone surrogates", body: '{"name":"\\ud800\\udc00\\udc00","email":"\\udfff@example.com","id":"\\ud800"}', contentType: "application/json" },
    { label: "NUL escapes", body: '{"name":"a\\u0000b","email":"a\\u0000@example.com","search":"\\u0000"}', contentType: "application/json" },
    { label: "raw NUL and control bytes", body: '{"name":"a\u0000\u0001\u001f"}', contentType: "application/json" },
    { label: "JSON null", body: "null", contentType: "application/json" },
    { label: "JSON number", body: "42", contentType: "application/json" },
    { label: "JSON string", body: '"hello"', contentType: "application/json" },
    { label: "JSON array", body: "[1,2,3]", contentType: "application/json" },
    { label: "empty JSON body", body: "", contentType: "application/json" },
    { label: "whitespace body", body: " \n\t ", contentType: "application/json" },
    { label: "huge string body", body: JSON.stringify({ name: HUGE, email: HUGE, repository: HUGE, search: HUGE }), contentType: "application/json" },
    { label: "text/plain", body: '{"name":"x"}', contentType: "text/plain" },
    { label: "form encoded", body: "name=x&email=a%40b.c", contentType: "application/x-www-form-urlencoded" },
    { label: "multipart", body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', contentType: "multipart/form-data; boundary=b" },
    { label: "no content type", body: '{"name":"x"}' },
    { label: "bogus content type", body: '{"name":"x"}', contentType: "application/json; charset=bogus-8" },
    { label: "utf-16 charset", body: '{"name":"x"}', contentType: "application/json; charset=utf-16" },
    { label: "garbage gzip", body: "not gzip at all", contentType: "application/json", headers: { "content-encoding": "gzip" } },
    { label: "unknown encoding", body: '{"name":"x"}', contentType: "application/json", headers: { "content-encoding": "br, zstd, x-nope" } },
    { label: "content type with a NUL-ish parameter", body: "{}", contentType: 'application/json; x="\\"' },
  ]);
}

/** Path segments: ids that exist, ids that do not, and things that are not ids at all (already encoded). */
function pathParam(rng: Rng, known: KnownValues): string {
  if (rng.chance(0.25)) return rng.pick(known.deploymentIds);
  return rng.pick([
    "not-a-uuid",
    "..%2F..",
    "..%2F..%2Fauth%2Fsession",
    "..",
    ".",
    "%2e%2e",
    "%00",
    "%FF",
    "%E0%A4%A",
    "%ED%A0%80",
    "%",
    "%%",
    "%25",
    "a".repeat(5_000),
    "%F0%9F%92%A9",
    "%27%20OR%201%3D1",
    "00000000-0000-0000-0000-000000000000",
    "7f1d6b0e-3c1e-4b7a-9f1e-2d3c4b5a6f70",
    "7F1D6B0E-3C1E-4B7A-9F1E-2D3C4B5A6F70",
    "%7Bid%7D",
    "",
    "__proto__",
    "constructor",
    "1",
    "-1",
    "%20",
    "%0A",
  ]);
}

/** A query string, with repeated keys, array- and object-style keys, and odd values. */
function queryString(rng: Rng, params: readonly string[], known: KnownValues): string {
  const keys = [...params, "extra", "__proto__", "constructor[prototype][x]", "page[]", "a[b][c][d][e][f][g]"];
  const parts: string[] = [];
  const count = 1 + rng.int(5);
  for (let i = 0; i < count; i += 1) {
    const key = rng.pick(keys);
    const value = rng.pick<() => string>([
      () => encodeAny(String(plausible(rng, key, known))),
      () => rng.pick(["-1", "0", "1.5", "1e400", "99999999999999999999999", "NaN", "Infinity", "0x10", "", "%00", "%FF", "%E0%A4%A", "%ED%A0%80", "true", "null"]),
      () => encodeAny(rng.pick(NASTY_STRINGS)),
      () => encodeURIComponent(deepArray(URL_NESTING)),
      () => "x".repeat(3_000),
    ])();
    const form = rng.int(4);
    if (form === 0) parts.push(`${key}=${value}`, `${key}=${value}`); // repeated key
    else if (form === 1) parts.push(`${key}[]=${value}`); // array style
    else if (form === 2) parts.push(`${key}[nested]=${value}`); // object style
    else parts.push(`${key}=${value}`);
  }
  if (rng.chance(0.1)) parts.push("&&==&");
  // Within Node's 16 KB request head, or Node answers 431 before the app sees it (see oversizedHead).
  while (parts.join("&").length > MAX_QUERY) parts.pop();
  return parts.join("&");
}

const AUTHS: readonly Auth[] = ["none", "bearer", "bearer", "bearer", "cookie", "cookie-no-origin", "forged-bearer", "huge-bearer"];

/** One malformed request for a REST operation. */
export function restRequest(rng: Rng, op: RestOperation, known: KnownValues): FuzzRequest {
  const endpoint = `rest ${op.method} ${op.path}`;
  const labels: string[] = [];
  let path = op.path;
  for (const param of op.pathParams) {
    const value = pathParam(rng, known);
    labels.push(`path ${param}=${value.slice(0, 40)}`);
    path = path.replace(`{${param}}`, value);
  }
  let query = "";
  if (rng.chance(0.01)) {
    query = `${op.queryParams[0] ?? "q"}=${"x".repeat(20_000)}`;
    labels.push("request head over 16 KB");
  } else if (op.queryParams.length > 0 || rng.chance(0.2)) {
    query = queryString(rng, op.queryParams, known);
    labels.push(`query ${query.slice(0, 80)}`);
  }
  const headers: Record<string, string> = {};
  let body: string | Uint8Array | undefined;
  // A DELETE with a body is malformed too (fetch cannot send one with GET).
  if (op.bodyProperties || (op.method !== "GET" && rng.chance(0.15))) {
    const fields = op.bodyProperties ?? [];
    const kind = rng.int(10);
    if (kind < 4) {
      body = JSON.stringify(malformedObject(rng, fields, known));
      headers["content-type"] = "application/json";
      labels.push(`body ${body.slice(0, 120)}`);
    } else if (kind < 5) {
      body = pollutingJson(rng, fields, known);
      headers["content-type"] = "application/json";
      labels.push(`polluting body ${body.slice(0, 120)}`);
    } else if (kind < 6) {
      labels.push("no body");
    } else {
      const raw = rawBody(rng);
      body = raw.body;
      if (raw.contentType) headers["content-type"] = raw.contentType;
      Object.assign(headers, raw.headers);
      labels.push(raw.label);
    }
  }
  return { endpoint, label: labels.join("; ") || "no input", method: op.method, path: `/api${path}${query ? `?${query}` : ""}`, headers, body, auth: rng.pick(AUTHS) };
}

/** A malformed tRPC input, as JSON text: superjson-shaped or not. */
function trpcInput(rng: Rng, known: KnownValues, nesting: number): { label: string; text: string } {
  const fields = ["id", "deploymentId", "email", "password", "name", "repository", "branch", "search", "page", "limit", "cursor", "lastEventId", "theme", "envVars"];
  const object = () => malformedObject(rng, rng.chance(0.5) ? fields.slice(rng.int(fields.length)) : fields, known);
  return rng.pick<() => { label: string; text: string }>([
    () => ({ label: "superjson object", text: JSON.stringify({ json: object() }) }),
    () => ({ label: "superjson wrong type", text: JSON.stringify({ json: malformedValue(rng) }) }),
    () => ({ label: "bare object (no superjson wrapper)", text: JSON.stringify(object()) }),
    () => ({ label: "superjson meta with a bogus type", text: JSON.stringify({ json: object(), meta: { values: { id: ["nope"], email: [["custom", "x"]] } } }) }),
    () => ({ label: "superjson meta polluting the prototype", text: '{"json":{"a":{}},"meta":{"values":{"__proto__.polluted":["Date"],"a.__proto__.polluted":["set"],"constructor.prototype.polluted":["map"]},"referentialEqualities":{"a":["__proto__.x"]}}}' }),
    () => ({ label: "superjson meta with deep paths", text: JSON.stringify({ json: {}, meta: { values: { ["a.".repeat(2_000) + "b"]: ["Date"] } } }) }),
    () => ({ label: "polluting JSON keys", text: `{"json":${pollutingJson(rng, fields, known)}}` }),
    () => ({ label: "deep array", text: `{"json":${deepArray(nesting)}}` }),
    () => ({ label: "deep object", text: deepObject(nesting) }),
    () => ({ label: "invalid JSON", text: '{"json":{"id":' }),
    () => ({ label: "JSON null", text: "null" }),
    () => ({ label: "empty", text: "" }),
    () => ({ label: "escaped lone surrogate and NUL", text: '{"json":{"id":"\\ud800","email":"a\\u0000@example.com","search":"\\u0000","name":"\\udfff"}}' }),
    () => ({ label: "huge string", text: JSON.stringify({ json: { id: HUGE.slice(0, nesting === URL_NESTING ? 4_000 : HUGE.length), email: "x" } }) }),
  ])();
}

/** One malformed request for a tRPC procedure over HTTP. */
export function trpcRequest(rng: Rng, procedure: TrpcProcedure, others: readonly TrpcProcedure[], known: KnownValues): FuzzRequest {
  const endpoint = `trpc ${procedure.path}`;
  const naturalMethod = procedure.type === "mutation" ? "POST" : "GET";
  const method = rng.chance(0.1) ? rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH"]) : naturalMethod;
  const batch = rng.chance(0.25);
  const paths = batch ? [procedure.path, ...(rng.chance(0.5) ? [rng.pick(others).path, "no.such.procedure"] : [procedure.path])] : [procedure.path];
  const headers: Record<string, string> = {};
  const inputs = paths.map(() => {
    if (method !== "GET") return trpcInput(rng, known, DEEP_NESTING);
    // In a URL the input must leave room in the 16 KB request head.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const input = trpcInput(rng, known, URL_NESTING);
      if (encodeAny(input.text).length <= MAX_QUERY / paths.length) return input;
    }
    return { label: "deep array", text: deepArray(URL_NESTING / 2) };
  });
  const label = `${method}${batch ? " batch" : ""}: ${inputs.map((i) => i.label).join(" | ")}`;
  const batchInput = () => `{${inputs.map((input, index) => `"${index}":${input.text || "null"}`).join(",")}}`;
  const text = batch ? batchInput() : inputs[0]!.text;
  let search = batch ? "batch=1" : "";
  let body: string | Uint8Array | undefined;
  if (method === "GET") {
    if (text !== "" || rng.chance(0.5)) search = [search, `input=${encodeAny(text)}`].filter(Boolean).join("&");
    if (rng.chance(0.1)) search += "&input=%7B%7D&batch=0&batch[]=1"; // repeated and array-style keys
    if (rng.chance(0.1)) search += `&lastEventId=${rng.pick(["-1", "%00", "x", "99999999999999999999999"])}`;
  } else if (rng.chance(0.2)) {
    const raw = rawBody(rng);
    body = raw.body;
    if (raw.contentType) headers["content-type"] = raw.contentType;
    Object.assign(headers, raw.headers);
  } else {
    body = text;
    headers["content-type"] = "application/json";
  }
  const encodedPath = paths.map((p) => (rng.chance(0.05) ? `${p}%00` : p)).join(",");
  return { endpoint, label, method, path: `/trpc/${encodedPath}${search ? `?${search}` : ""}`, headers, body, auth: rng.pick(AUTHS) };
}

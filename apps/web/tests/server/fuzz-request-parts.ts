import { DEEP_NESTING, deepArray, deepObject, encodeAny, HUGE, MAX_QUERY, NASTY_STRINGS, plausible, URL_NESTING, type KnownValues, type Rng } from "./fuzz-values.js";

// The parts of a fuzzed request that are malformed as a whole (fuzz-inputs.ts
// puts them together): bodies that are not a JSON object, path segments and
// query strings.

/** Bodies that are not a JSON object at all, with the content type they travel under. */
export function rawBody(rng: Rng): { label: string; body: string | Uint8Array; contentType?: string; headers?: Record<string, string> } {
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
export function pathParam(rng: Rng, known: KnownValues): string {
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
export function queryString(rng: Rng, params: readonly string[], known: KnownValues): string {
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

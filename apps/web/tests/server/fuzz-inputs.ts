import { pathParam, queryString, rawBody } from "./fuzz-request-parts.js";
import { DEEP_NESTING, deepArray, deepObject, encodeAny, HUGE, malformedObject, malformedValue, MAX_QUERY, pollutingJson, URL_NESTING, type KnownValues, type Rng } from "./fuzz-values.js";

// The fuzzer's input generator (fuzz.test.ts): malformed requests for a REST
// operation (as the OpenAPI document describes it) or a tRPC procedure (as the
// router declares it), drawn from a seeded generator so that a failing run is
// reproduced with the same FUZZ_SEED. Nothing here talks to the server. The
// values go in from fuzz-values.ts, whole bodies, path segments and query
// strings from fuzz-request-parts.ts.

export { createRng, type KnownValues } from "./fuzz-values.js";

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

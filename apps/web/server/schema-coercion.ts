import type { AnyRouter } from "@trpc/server";
import {
  forEachOpenApiProcedure,
  getInputOutputParsers,
  instanceofZodTypeCoercible,
  instanceofZodTypeObject,
  unwrapZodType,
  type OpenApiProcedureRecord,
} from "trpc-to-openapi";
import type { ZodObject } from "zod/v4";

// trpc-to-openapi 3.3 makes every number, boolean, bigint and date field of a
// procedure's input coercing (`def.coerce = true`) on each REST call, meant
// for query strings (adapters/node-http/core.mjs, utils/zod.mjs coerceSchema).
// It mutates the router's shared schemas, for JSON bodies too, so after the
// first REST request {"rememberMe": "false"} would mean true, over REST and
// tRPC alike. Pinning each such field's `coerce` to what its author wrote
// keeps inputs strict; a query-string field that needs coercion declares it
// with z.coerce in @autostack/api.

function pinFields(schema: ZodObject): void {
  for (const field of Object.values(schema.shape)) {
    const inner = unwrapZodType(field, false);
    if (instanceofZodTypeCoercible(inner)) {
      const def = inner._zod.def as { coerce?: boolean };
      const declared = def.coerce;
      // A setter that ignores writes: the library assigns, it does not define.
      Object.defineProperty(def, "coerce", { get: () => declared, set: () => undefined, enumerable: true, configurable: true });
    } else if (instanceofZodTypeObject(inner)) {
      pinFields(inner);
    }
  }
}

/** Call once, before serving REST, with the router trpc-to-openapi serves. */
export function pinInputCoercion(router: AnyRouter): void {
  forEachOpenApiProcedure(router._def.procedures as OpenApiProcedureRecord, ({ procedure }) => {
    const schema = unwrapZodType(getInputOutputParsers(procedure).inputParser, true);
    if (instanceofZodTypeObject(schema)) pinFields(schema);
  });
}

import { appRouter, type Env } from "@autostack/api";
import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";

// The OpenAPI 3 document for the REST API, generated from the same procedures
// that serve it. trpc-to-openapi describes errors in tRPC's shape (and input
// errors as 400); the server answers with the spec's envelope (422 for input
// errors), so the error responses are rewritten to say what really happens.

export const API_VERSION = "1.0.0";

type SchemaObject = NonNullable<NonNullable<OpenAPIObject["components"]>["schemas"]>[string];

const ERROR_ENVELOPE_SCHEMA: SchemaObject = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "statusCode", "details"],
      properties: {
        code: { type: "string", example: "VALIDATION_ERROR" },
        message: { type: "string", example: "Request validation failed" },
        statusCode: { type: "integer", example: 422 },
        details: {
          type: "object",
          additionalProperties: true,
          description: "For VALIDATION_ERROR: `fields` maps a field path to its message. For RATE_LIMIT_EXCEEDED: `retryAfter` in seconds.",
          example: { fields: { email: "Enter a valid email address" } },
        },
      },
    },
  },
};

const ERROR_DESCRIPTIONS: Record<string, string> = {
  "401": "UNAUTHORIZED: not signed in, or the token is invalid",
  "403": "FORBIDDEN: not allowed (also a cross-site request)",
  "404": "NOT_FOUND",
  "409": "CONFLICT",
  "413": "PAYLOAD_TOO_LARGE: body over 1 MB",
  "422": "VALIDATION_ERROR: details.fields names each invalid field",
  "429": "RATE_LIMIT_EXCEEDED: see the Retry-After header",
  "500": "INTERNAL_SERVER_ERROR",
};

function errorResponse(status: string) {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? "Error",
    ...(status === "429" ? { headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds until the limit resets" } } } : {}),
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
  };
}

interface Operation {
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

export function createOpenApiDocument(env: Pick<Env, "APP_URL">): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: "Autostack API",
    description: "Every error response is {\"error\":{\"code\",\"message\",\"statusCode\",\"details\"}}.",
    version: API_VERSION,
    baseUrl: `${env.APP_URL}/api`,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
  });
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem as Record<string, Operation>)) {
      if (!operation?.responses) continue;
      const statuses = Object.keys(operation.responses)
        .filter((status) => !status.startsWith("2"))
        .map((status) => (status === "400" ? "422" : status));
      for (const status of Object.keys(operation.responses)) if (!status.startsWith("2")) delete operation.responses[status];
      const always = ["422", "429", "500", ...(operation.requestBody ? ["413"] : [])];
      for (const status of new Set([...statuses, ...always].sort())) operation.responses[status] = errorResponse(status);
    }
  }
  const schemas = Object.fromEntries(Object.entries(document.components?.schemas ?? {}).filter(([name]) => !name.startsWith("error.")));
  document.components = { ...document.components, schemas: { ...schemas, ErrorEnvelope: ERROR_ENVELOPE_SCHEMA } };
  return document;
}

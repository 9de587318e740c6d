import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import superjson from "superjson";
import type { Context } from "./context.js";
import { AppError, toErrorEnvelope, UnauthorizedError } from "./errors.js";
import { consumeRateLimit } from "./services/rate-limit.js";

/*
 * 1. INITIALISATION
 * superjson for tRPC clients; OpenAPI metadata lets a procedure also answer at
 * a REST path. The error formatter puts the spec's envelope into every tRPC
 * error, so tRPC clients and REST clients see the same code and details.
 */
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const envelope = toErrorEnvelope(error);
      return {
        ...shape,
        message: envelope.error.message,
        data: { code: shape.data.code, httpStatus: envelope.error.statusCode, envelope },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/*
 * 2. DOMAIN ERRORS → tRPC
 * Services throw AppError subclasses and never know about tRPC. Here they are
 * wrapped in a TRPCError whose cause keeps the original for the envelope.
 */
const statusToTrpcCode: Record<number, TRPCError["code"]> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
};

const domainErrors = t.middleware(async ({ next, ctx, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({
        code: statusToTrpcCode[cause.statusCode] ?? "INTERNAL_SERVER_ERROR",
        message: cause.message,
        cause,
      });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.log.error({ err: result.error.cause ?? result.error, path, requestId: ctx.req.requestId }, "procedure failed");
    }
  }
  return result;
});

/*
 * 3. PROCEDURES
 * publicProcedure: anyone. authRateLimitedProcedure: public auth endpoints,
 * limited per client IP. protectedProcedure: a signed-in user (session cookie
 * or bearer token), limited per user for API clients.
 */
export const publicProcedure = t.procedure.use(domainErrors);

export const authRateLimitedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  await consumeRateLimit(ctx.db, {
    key: `auth:${ctx.req.ip}`,
    limit: ctx.env.RATE_LIMIT_AUTH_PER_MINUTE,
    windowSeconds: 60,
  });
  return next();
});

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.auth) throw new UnauthorizedError();
  if (ctx.req.source === "api") {
    await consumeRateLimit(ctx.db, {
      key: `api:${ctx.auth.user.id}`,
      limit: ctx.env.RATE_LIMIT_API_PER_MINUTE,
      windowSeconds: 60,
    });
  }
  return next({ ctx: { ...ctx, auth: ctx.auth } });
});

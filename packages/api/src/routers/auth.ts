import { z } from "zod";
import { forgotPasswordInput, loginInput, logoutInput, refreshInput, resetPasswordInput, signupInput } from "../schemas/auth.js";
import { authResultOutput, sessionOutput, successOutput } from "../schemas/outputs.js";
import type { Context } from "../context.js";
import { login, logout, refreshTokenPair, signup, type AuthResult, type SignedIn } from "../services/auth/accounts.js";
import { requestPasswordReset, resetPassword } from "../services/auth/password-reset.js";
import { setCookie } from "../services/http-request.js";
import { authRateLimitedProcedure, createTRPCRouter, protectedProcedure } from "../trpc.js";

/** The session cookie goes on the response; the token pair is the answer. */
function answerSignIn(ctx: Context, { result, cookie }: SignedIn): AuthResult {
  setCookie(ctx.cookies, cookie);
  return result;
}

export const authRouter = createTRPCRouter({
  signup: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/signup", tags: ["auth"], summary: "Create an account" } })
    .input(signupInput)
    .output(authResultOutput)
    .mutation(async ({ ctx, input }) => answerSignIn(ctx, await signup(ctx, ctx.req, input))),

  login: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/login", tags: ["auth"], summary: "Sign in with email and password" } })
    .input(loginInput)
    .output(authResultOutput)
    .mutation(async ({ ctx, input }) => answerSignIn(ctx, await login(ctx, ctx.req, input))),

  logout: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/logout", tags: ["auth"], protect: true, summary: "End the session" } })
    .input(logoutInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      setCookie(ctx.cookies, await logout(ctx, ctx.auth, input));
      return { success: true as const, message: "Signed out" };
    }),

  forgotPassword: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/forgot-password", tags: ["auth"], summary: "Mail a password reset link" } })
    .input(forgotPasswordInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      await requestPasswordReset(ctx, ctx.req, input);
      return { success: true as const, message: "If an account exists for that address, a reset link is on its way" };
    }),

  resetPassword: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/reset-password", tags: ["auth"], summary: "Set a new password with a reset token" } })
    .input(resetPasswordInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      await resetPassword(ctx, ctx.req, input);
      return { success: true as const, message: "Password changed; sign in with your new password" };
    }),

  session: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/auth/session", tags: ["auth"], protect: true, summary: "The current user and session" } })
    .input(z.object({}).optional())
    .output(sessionOutput)
    .query(({ ctx }) => ({
      user: ctx.auth.user,
      session: { method: ctx.auth.method, expiresAt: ctx.auth.session?.expiresAt ?? null },
    })),

  // Limited per client IP like the other auth endpoints: a stolen refresh token cannot be tried endlessly.
  refresh: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/refresh", tags: ["auth"], summary: "Exchange a refresh token for a new token pair" } })
    .input(refreshInput)
    .output(authResultOutput)
    .mutation(({ ctx, input }) => refreshTokenPair(ctx, input.refreshToken)),
});

import { z } from "zod";
import { forgotPasswordInput, loginInput, logoutInput, refreshInput, resetPasswordInput, signupInput } from "../schemas/auth.js";
import { authResultOutput, sessionOutput, successOutput } from "../schemas/outputs.js";
import { issueTokenPair, login, logout, signup } from "../services/auth/accounts.js";
import { requestPasswordReset, resetPassword } from "../services/auth/password-reset.js";
import { consumeRefreshToken } from "../services/auth/refresh-tokens.js";
import { UnauthorizedError } from "../errors.js";
import { authRateLimitedProcedure, createTRPCRouter, protectedProcedure } from "../trpc.js";

export const authRouter = createTRPCRouter({
  signup: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/signup", tags: ["auth"], summary: "Create an account" } })
    .input(signupInput)
    .output(authResultOutput)
    .mutation(({ ctx, input }) => signup(ctx, input)),

  login: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/login", tags: ["auth"], summary: "Sign in with email and password" } })
    .input(loginInput)
    .output(authResultOutput)
    .mutation(({ ctx, input }) => login(ctx, input)),

  logout: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/logout", tags: ["auth"], protect: true, summary: "End the session" } })
    .input(logoutInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      await logout(ctx, input);
      return { success: true as const, message: "Signed out" };
    }),

  forgotPassword: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/forgot-password", tags: ["auth"], summary: "Mail a password reset link" } })
    .input(forgotPasswordInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      await requestPasswordReset(ctx, input);
      return { success: true as const, message: "If an account exists for that address, a reset link is on its way" };
    }),

  resetPassword: authRateLimitedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/reset-password", tags: ["auth"], summary: "Set a new password with a reset token" } })
    .input(resetPasswordInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      await resetPassword(ctx, input);
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
    .mutation(async ({ ctx, input }) => {
      const { userId, familyId } = await consumeRefreshToken(ctx.db, input.refreshToken);
      const user = await ctx.db.user.findUnique({
        where: { id: userId },
        select: { id: true, name: true, email: true, avatarUrl: true, emailVerified: true, createdAt: true },
      });
      if (!user) throw new UnauthorizedError("Invalid refresh token");
      return issueTokenPair(ctx, user, familyId);
    }),
});

import { z } from "zod";
import { deleteAccountInput, updatePreferencesInput, updateProfileInput } from "../schemas/user.js";
import { preferencesOutput, profileOutput, successOutput } from "../schemas/outputs.js";
import { deleteAccount } from "../services/auth/accounts.js";
import { setCookie } from "../services/http-request.js";
import { getPreferences, updatePreferences } from "../services/user/preferences.js";
import { getProfile, updateProfile } from "../services/user/profile.js";
import { createTRPCRouter, protectedProcedure } from "../trpc.js";

const noInput = z.object({}).optional();

export const userRouter = createTRPCRouter({
  profile: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/user/profile", tags: ["user"], protect: true } })
    .input(noInput)
    .output(profileOutput)
    .query(({ ctx }) => getProfile(ctx.db, ctx.auth.user.id)),

  updateProfile: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/user/profile", tags: ["user"], protect: true } })
    .input(updateProfileInput)
    .output(profileOutput)
    .mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.auth.user.id, input)),

  preferences: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/user/preferences", tags: ["user"], protect: true } })
    .input(noInput)
    .output(preferencesOutput)
    .query(({ ctx }) => getPreferences(ctx.db, ctx.auth.user.id)),

  updatePreferences: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/user/preferences", tags: ["user"], protect: true } })
    .input(updatePreferencesInput)
    .output(preferencesOutput)
    .mutation(({ ctx, input }) => updatePreferences(ctx.db, ctx.auth.user.id, input)),

  deleteAccount: protectedProcedure
    .meta({ openapi: { method: "DELETE", path: "/user/account", tags: ["user"], protect: true } })
    .input(deleteAccountInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      setCookie(ctx.cookies, await deleteAccount(ctx, ctx.req, ctx.auth.user, input));
      return { success: true as const, message: "Account deleted" };
    }),
});

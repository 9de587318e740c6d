import { z } from "zod";

// Response shapes. They feed the OpenAPI document and strip anything a
// service returns that the spec does not promise.

export const userOutput = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  avatarUrl: z.string().nullable(),
  emailVerified: z.boolean(),
  createdAt: z.date(),
});

export const authResultOutput = z.object({
  user: userOutput,
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
});

export const successOutput = z.object({ success: z.literal(true), message: z.string() });

export const sessionOutput = z.object({
  user: userOutput,
  session: z.object({ method: z.enum(["cookie", "bearer"]), expiresAt: z.date().nullable() }),
});

export const profileOutput = userOutput.extend({ githubConnected: z.boolean(), githubUsername: z.string().nullable() });

export const preferencesOutput = z.object({
  theme: z.enum(["light", "dark", "system"]),
  emailNotifications: z.boolean(),
  deploymentSuccessNotifications: z.boolean(),
  deploymentFailureNotifications: z.boolean(),
});

import { z } from "zod";
import { nameSchema } from "./auth.js";

export const themeSchema = z.enum(["light", "dark", "system"]);
export type Theme = z.infer<typeof themeSchema>;

export const avatarUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: "Avatar must be an http(s) URL" }));

export const updateProfileInput = z
  .object({ name: nameSchema.optional(), avatarUrl: avatarUrlSchema.nullable().optional() })
  .refine((v) => v.name !== undefined || v.avatarUrl !== undefined, { message: "Nothing to update" });

export const updatePreferencesInput = z
  .object({
    theme: themeSchema.optional(),
    emailNotifications: z.boolean().optional(),
    deploymentSuccessNotifications: z.boolean().optional(),
    deploymentFailureNotifications: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "Nothing to update" });

export const deleteAccountInput = z.object({ confirmEmail: z.string().trim().optional() }).default({});

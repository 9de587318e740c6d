import { z } from "zod";

// Input schemas shared by the server procedures and the browser forms, so
// client-side validation says exactly what the server would.

export const emailSchema = z.string().trim().min(1, "Email is required").max(255).pipe(z.email("Enter a valid email address"));
export const passwordSchema = z
  .string()
  .min(8, "Password must be at least 8 characters")
  .max(256, "Password must be at most 256 characters");
// PostgreSQL text cannot hold NUL (the insert fails), and a lone UTF-16
// surrogate would be stored as U+FFFD: refuse both, with the other control characters.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f]|\p{Cs}/u;

export const nameSchema = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(255, "Name must be at most 255 characters")
  .refine((value) => !UNPRINTABLE.test(value), "Name must not contain control characters");

export const signupInput = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });
export const loginInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Password is required").max(256),
  rememberMe: z.boolean().default(false),
});
export const forgotPasswordInput = z.object({ email: emailSchema });
export const resetPasswordInput = z.object({ token: z.string().min(1, "Reset token is required").max(200), password: passwordSchema });
export const refreshInput = z.object({ refreshToken: z.string().min(1, "Refresh token is required").max(200) });
export const logoutInput = z.object({ refreshToken: z.string().max(200).optional() }).default({});

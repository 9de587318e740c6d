import { z } from "zod";
import { resetPasswordInput } from "@autostack/api/schemas";
import { checkboxField, stringField } from "./forms";

// FormData → procedure input, shared by each route's action (server) and its
// form's client-side validation, so both parse exactly the same object.

export function loginFromForm(form: FormData) {
  return { email: stringField(form, "email"), password: stringField(form, "password"), rememberMe: checkboxField(form, "rememberMe") };
}

export function signupFromForm(form: FormData) {
  return { name: stringField(form, "name"), email: stringField(form, "email"), password: stringField(form, "password") };
}

export function forgotPasswordFromForm(form: FormData) {
  return { email: stringField(form, "email") };
}

/** The reset form also asks for the password twice; the API takes it once. */
export const resetPasswordForm = resetPasswordInput
  .extend({ confirmPassword: z.string() })
  .refine((value) => value.password === value.confirmPassword, { path: ["confirmPassword"], message: "Passwords do not match" });

export function resetPasswordFromForm(form: FormData) {
  return {
    token: stringField(form, "token"),
    password: stringField(form, "password"),
    confirmPassword: stringField(form, "confirmPassword"),
  };
}

export function profileFromForm(form: FormData) {
  const avatarUrl = stringField(form, "avatarUrl").trim();
  return { name: stringField(form, "name"), avatarUrl: avatarUrl === "" ? null : avatarUrl };
}

export function notificationsFromForm(form: FormData) {
  return {
    emailNotifications: checkboxField(form, "emailNotifications"),
    deploymentSuccessNotifications: checkboxField(form, "deploymentSuccessNotifications"),
    deploymentFailureNotifications: checkboxField(form, "deploymentFailureNotifications"),
  };
}

export function deleteAccountForm(email: string) {
  return z.object({
    confirmEmail: z
      .string()
      .trim()
      .min(1, "Type your email address to confirm")
      .refine((value) => value.toLowerCase() === email.toLowerCase(), "This does not match your email address"),
  });
}

import type { FieldErrors } from "~/lib/forms";

export interface SettingsProfile {
  name: string;
  email: string;
  avatarUrl: string | null;
  githubConnected: boolean;
  githubUsername: string | null;
}

export interface SettingsPreferences {
  theme: "light" | "dark" | "system";
  emailNotifications: boolean;
  deploymentSuccessNotifications: boolean;
  deploymentFailureNotifications: boolean;
}

/** What the settings action answers when a form did not go through. */
export interface SettingsFailure {
  intent: string;
  formError: string | null;
  fields: FieldErrors;
  values?: Record<string, string | null>;
}

import type { Database } from "@autostack/db";
import type { Theme } from "../../schemas/user.js";

export interface Preferences {
  theme: Theme;
  emailNotifications: boolean;
  deploymentSuccessNotifications: boolean;
  deploymentFailureNotifications: boolean;
}

const select = { theme: true, emailNotifications: true, deploymentSuccessNotifications: true, deploymentFailureNotifications: true } as const;

function toPreferences(row: { theme: string } & Omit<Preferences, "theme">): Preferences {
  const theme = row.theme === "light" || row.theme === "dark" ? row.theme : "system";
  return { ...row, theme };
}

/** Preferences exist for every user; a missing row (older accounts) is created on read. */
export async function getPreferences(db: Database, userId: string): Promise<Preferences> {
  const row = await db.userPreferences.upsert({ where: { userId }, create: { userId }, update: {}, select });
  return toPreferences(row);
}

export async function updatePreferences(db: Database, userId: string, input: Partial<Preferences>): Promise<Preferences> {
  const row = await db.userPreferences.upsert({ where: { userId }, create: { userId, ...input }, update: input, select });
  return toPreferences(row);
}

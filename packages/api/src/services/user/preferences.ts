import type { Database } from "@autostack/db";
import { UnauthorizedError } from "../../errors.js";
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

/** The account was deleted while this request ran (its row cascaded away, or the insert lost its user). */
function accountGone(error: unknown): boolean {
  const failure = error as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return failure.code === "P2003" || failure.code === "P2025" || failure.meta?.driverAdapterError?.cause?.originalCode === "23503";
}

/**
 * Preferences exist for every user; a missing row (older accounts) is created
 * on read. Read first: an upsert with nothing to update answers with an
 * incomplete row when the account is deleted at the same moment.
 */
export async function getPreferences(db: Database, userId: string): Promise<Preferences> {
  try {
    const row =
      (await db.userPreferences.findUnique({ where: { userId }, select })) ??
      (await db.userPreferences.upsert({ where: { userId }, create: { userId }, update: {}, select }));
    return toPreferences(row);
  } catch (error) {
    if (accountGone(error)) throw new UnauthorizedError();
    throw error;
  }
}

export async function updatePreferences(db: Database, userId: string, input: Partial<Preferences>): Promise<Preferences> {
  try {
    const row = await db.userPreferences.upsert({ where: { userId }, create: { userId, ...input }, update: input, select });
    return toPreferences(row);
  } catch (error) {
    if (accountGone(error)) throw new UnauthorizedError();
    throw error;
  }
}

import type { Database } from "@autostack/db";
import { NotFoundError } from "../../errors.js";
import { authUserSelect, type AuthUser } from "../auth/auth-user.js";

const profileSelect = { ...authUserSelect, githubConnection: { select: { githubUsername: true } } } as const;

/** The signed-in user's fields plus the GitHub connection. */
export interface Profile extends AuthUser {
  githubConnected: boolean;
  githubUsername: string | null;
}

type ProfileRow = AuthUser & { githubConnection: { githubUsername: string | null } | null };

function toProfile({ githubConnection, ...row }: ProfileRow): Profile {
  return { ...row, githubConnected: githubConnection !== null, githubUsername: githubConnection?.githubUsername ?? null };
}

export async function getProfile(db: Database, userId: string): Promise<Profile> {
  const row = await db.user.findUnique({ where: { id: userId }, select: profileSelect });
  if (!row) throw new NotFoundError("User not found");
  return toProfile(row);
}

export async function updateProfile(
  db: Database,
  userId: string,
  input: { name?: string; avatarUrl?: string | null },
): Promise<Profile> {
  try {
    const row = await db.user.update({
      where: { id: userId },
      data: { name: input.name, avatarUrl: input.avatarUrl },
      select: profileSelect,
    });
    return toProfile(row);
  } catch (error) {
    // P2025: the account was deleted by a request running at the same time, as getProfile would find.
    if ((error as { code?: string }).code === "P2025") throw new NotFoundError("User not found");
    throw error;
  }
}

// The signed-in user as every auth path returns it (session cookie, bearer
// token, sign-up, login, refresh): one shape and the one Prisma select that
// loads it, so the paths cannot drift apart.

export interface AuthUser {
  id: string;
  name: string;
  email: string;
  avatarUrl: string | null;
  emailVerified: boolean;
  createdAt: Date;
}

export const authUserSelect = {
  id: true,
  name: true,
  email: true,
  avatarUrl: true,
  emailVerified: true,
  createdAt: true,
} as const satisfies Record<keyof AuthUser, true>;

import type { Database } from "@autostack/db";
import { revokeAccessTokens } from "../access-tokens.js";
import { authUserSelect, type AuthUser } from "../auth-user.js";
import { revokeAllRefreshTokens } from "../refresh-tokens.js";
import { invalidateAllSessions } from "../sessions.js";
import type { OAuthProfile } from "./profiles.js";
import type { OAuthProviderName } from "./providers.js";

// Which user a provider identity signs in as:
// 1. an identity linked before (oauth_accounts) signs in its user;
// 2. otherwise a **verified** address from the provider that belongs to an
//    account links the identity to that account (and marks the address
//    verified: the provider has proved it). If the account's address had
//    never been proved, the account is claimed: its password is cleared and
//    its sessions and tokens end, so that someone who registered another
//    person's address in advance loses the account to its owner, who can set
//    a password with "Forgot password";
// 3. otherwise a new account is created with that verified address and no
//    password (password_hash NULL: the password login refuses it like an
//    unknown address; "Forgot password" can give it one).
// An identity without any verified address is refused and nothing is stored:
// an unverified address can neither take over an account nor be claimed by a
// new one (it may be somebody else's), and every account needs an address.

export type OAuthSignInOutcome =
  | { kind: "existing" | "linked" | "claimed" | "created"; user: AuthUser }
  | { kind: "no-verified-email" };

const normalize = (email: string) => email.trim().toLowerCase();

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

export async function userForOAuthProfile(db: Database, provider: OAuthProviderName, profile: OAuthProfile, attempt = 0): Promise<OAuthSignInOutcome> {
  const identity = { provider, providerUserId: profile.providerUserId };
  const linked = await db.oAuthAccount.findUnique({
    where: { provider_providerUserId: identity },
    select: { user: { select: authUserSelect } },
  });
  if (linked) return { kind: "existing", user: linked.user };

  const emails = [...new Set(profile.verifiedEmails.map(normalize).filter((e) => e.includes("@") && e.length <= 255))];
  if (emails.length === 0) return { kind: "no-verified-email" };

  try {
    for (const email of emails) {
      const owner = await db.user.findUnique({ where: { email }, select: { id: true, emailVerified: true } });
      if (!owner) continue;
      const user = await db.user.update({
        where: { id: owner.id },
        // Nobody had proved this address before: whoever registered it may not own it (an account made in
        // advance by someone else). The provider's proof wins: that password and every session end here.
        data: { emailVerified: true, oauthAccounts: { create: identity }, ...(owner.emailVerified ? {} : { passwordHash: null }) },
        select: authUserSelect,
      });
      if (!owner.emailVerified) await endEarlierAccess(db, owner.id);
      return { kind: owner.emailVerified ? "linked" : "claimed", user };
    }
    const user = await db.user.create({
      data: {
        name: profile.name.slice(0, 255),
        email: emails[0]!,
        passwordHash: null,
        emailVerified: true,
        avatarUrl: profile.avatarUrl,
        preferences: { create: {} },
        oauthAccounts: { create: identity },
      },
      select: authUserSelect,
    });
    return { kind: "created", user };
  } catch (error) {
    // Two sign-ins racing (same identity, or a sign-up for the same address):
    // the unique indexes decide; look again once.
    if (isUniqueViolation(error) && attempt === 0) return userForOAuthProfile(db, provider, profile, 1);
    throw error;
  }
}

/** Sessions, refresh tokens and access tokens issued until now stop working. */
async function endEarlierAccess(db: Database, userId: string): Promise<void> {
  await invalidateAllSessions(db, userId);
  await revokeAllRefreshTokens(db, userId);
  await revokeAccessTokens(db, userId);
}

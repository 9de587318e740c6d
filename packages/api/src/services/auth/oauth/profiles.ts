import { z } from "zod";
import { fetchProviderJson, OAuthProviderError } from "./provider-fetch.js";

// Who the provider says the user is, read with the access token: the
// provider's stable user id, a display name, an avatar and the addresses the
// provider has verified (only those may link to an existing account).

export interface OAuthProfile {
  providerUserId: string;
  name: string;
  avatarUrl: string | null;
  /** Verified addresses, the primary one first; empty when there is none. */
  verifiedEmails: string[];
}

function parse<T>(schema: z.ZodType<T>, data: unknown, url: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new OAuthProviderError(`GET ${url}: unexpected answer`);
  return result.data;
}

const githubUser = z.object({
  id: z.number().int(),
  login: z.string().min(1),
  name: z.string().nullish(),
  avatar_url: z.string().nullish(),
});
const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

export async function githubProfile(apiUrl: string, accessToken: string): Promise<OAuthProfile> {
  const accept = "application/vnd.github+json";
  const userUrl = `${apiUrl}/user`;
  const emailsUrl = `${apiUrl}/user/emails`;
  const [user, emails] = await Promise.all([
    fetchProviderJson(userUrl, accessToken, accept).then((data) => parse(githubUser, data, userUrl)),
    fetchProviderJson(emailsUrl, accessToken, accept).then((data) => parse(githubEmails, data, emailsUrl)),
  ]);
  const verified = emails.filter((e) => e.verified).sort((a, b) => Number(b.primary) - Number(a.primary));
  return {
    providerUserId: String(user.id),
    name: user.name?.trim() || user.login,
    avatarUrl: user.avatar_url || null,
    verifiedEmails: verified.map((e) => e.email),
  };
}

const googleUser = z.object({
  sub: z.string().min(1),
  name: z.string().nullish(),
  email: z.string().nullish(),
  // Google sends a boolean; some OpenID providers send the string "true".
  email_verified: z.union([z.boolean(), z.enum(["true", "false"])]).nullish(),
  picture: z.string().nullish(),
});

export async function googleProfile(userinfoUrl: string, accessToken: string): Promise<OAuthProfile> {
  const user = parse(googleUser, await fetchProviderJson(userinfoUrl, accessToken), userinfoUrl);
  const verified = user.email && (user.email_verified === true || user.email_verified === "true");
  return {
    providerUserId: user.sub,
    name: user.name?.trim() || user.email?.split("@")[0] || "Google user",
    avatarUrl: user.picture || null,
    verifiedEmails: verified && user.email ? [user.email] : [],
  };
}

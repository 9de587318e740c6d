// The spec's "cache GitHub repository lists (5 min TTL)": per user, in this
// (web) process. An entry is only good for the connection state it was
// loaded under (`version`: installation, connect time and repos_version):
// the worker processes installation webhooks and bumps repos_version in the
// database, which every web process reads before it looks here, so a change
// GitHub reports reaches all of them without any in-process signal.
// Connecting or disconnecting in this process also forgets the user's entry.

export const REPOSITORY_CACHE_TTL_MS = 5 * 60 * 1000;

interface Entry<T> {
  value: T;
  version: string;
  expiresAt: number;
}

const entries = new Map<string, Entry<unknown>>();

export async function cachedRepositories<T>(userId: string, version: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = entries.get(userId);
  if (hit && hit.expiresAt > now && hit.version === version) return hit.value as T;
  const value = await load();
  entries.set(userId, { value, version, expiresAt: now + REPOSITORY_CACHE_TTL_MS });
  // Expired entries of users who never come back would otherwise stay.
  for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  return value;
}

export function forgetRepositories(userId: string): void {
  entries.delete(userId);
}

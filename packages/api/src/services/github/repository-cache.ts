// The spec's "cache GitHub repository lists (5 min TTL)": per user, in this
// process. Connecting or disconnecting forgets the user's entry.

export const REPOSITORY_CACHE_TTL_MS = 5 * 60 * 1000;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

const entries = new Map<string, Entry<unknown>>();

export async function cachedRepositories<T>(userId: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = entries.get(userId);
  if (hit && hit.expiresAt > now) return hit.value as T;
  const value = await load();
  entries.set(userId, { value, expiresAt: now + REPOSITORY_CACHE_TTL_MS });
  // Expired entries of users who never come back would otherwise stay.
  for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  return value;
}

export function forgetRepositories(userId: string): void {
  entries.delete(userId);
}

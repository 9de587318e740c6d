import type { Database } from "@autostack/db";

// Which artifact a site host serves. A project slug serves the project's
// production deployment; a deployment slug serves that deployment. Only
// successful deployments with an uploaded artifact are ever served.

export interface SiteTarget {
  artifactKey: string;
  spaFallback: boolean;
}

export async function resolveSite(db: Database, slug: string): Promise<SiteTarget | null> {
  const project = await db.project.findUnique({
    where: { slug },
    select: { spaFallback: true, productionDeployment: { select: { status: true, artifactKey: true } } },
  });
  if (project) {
    const production = project.productionDeployment;
    return production?.status === "success" && production.artifactKey
      ? { artifactKey: production.artifactKey, spaFallback: project.spaFallback }
      : null;
  }
  const deployment = await db.deployment.findUnique({
    where: { slug },
    select: { status: true, artifactKey: true, project: { select: { spaFallback: true } } },
  });
  if (deployment?.status === "success" && deployment.artifactKey) {
    return { artifactKey: deployment.artifactKey, spaFallback: deployment.project.spaFallback };
  }
  return null;
}

export interface SiteResolver {
  (slug: string): Promise<SiteTarget | null>;
  /**
   * The answer for `slug` when a fresh one is at hand (no database query, no
   * promise); undefined when it would have to be looked up. An answer in its
   * second half of life is looked up again in the background (refresh-ahead),
   * so a slug that keeps being asked for stays at hand without ever being
   * older than the TTL.
   */
  peek(slug: string): SiteTarget | null | undefined;
}

const MAX_SLUGS = 10_000;

/**
 * Caches slug lookups for a short time so that serving does not query the
 * database per request, while a production switch shows within `ttlMs`.
 */
export function createSiteResolver(db: Database, ttlMs = 2000, now: () => number = Date.now): SiteResolver {
  interface Entry {
    at: number;
    value: Promise<SiteTarget | null>;
    /** The settled answer (undefined while the lookup runs). */
    settled?: SiteTarget | null;
    /** A refresh-ahead lookup has been started for this entry. */
    refreshing?: boolean;
  }
  const cache = new Map<string, Entry>();
  const resolver = (slug: string): Promise<SiteTarget | null> => {
    const at = now();
    const hit = cache.get(slug);
    if (hit && at - hit.at < ttlMs) return hit.value;
    const entry: Entry = { at, value: resolveSite(db, slug) };
    entry.value.then(
      (target) => {
        entry.settled = target;
      },
      () => {
        if (cache.get(slug) === entry) cache.delete(slug);
      },
    );
    cache.delete(slug); // re-inserted last: the oldest slugs go first
    cache.set(slug, entry);
    if (cache.size > MAX_SLUGS) cache.delete(cache.keys().next().value!);
    return entry.value;
  };
  const refresh = (slug: string, stale: Entry): void => {
    stale.refreshing = true;
    const at = now(); // the lookup's start: its answer is no older than that
    resolveSite(db, slug).then(
      (target) => {
        // Unless a newer lookup has replaced the entry meanwhile.
        if (cache.get(slug) !== stale) return;
        // Re-inserted last, like a new lookup: a busy slug is the last to be evicted.
        cache.delete(slug);
        cache.set(slug, { at, value: Promise.resolve(target), settled: target });
      },
      // A failed refresh leaves the entry to expire; the lookup after that reports the failure.
      () => undefined,
    );
  };
  resolver.peek = (slug: string): SiteTarget | null | undefined => {
    const hit = cache.get(slug);
    if (!hit) return undefined;
    const age = now() - hit.at;
    if (age >= ttlMs) return undefined;
    if (age >= ttlMs / 2 && hit.settled !== undefined && !hit.refreshing) refresh(slug, hit);
    return hit.settled;
  };
  return resolver;
}

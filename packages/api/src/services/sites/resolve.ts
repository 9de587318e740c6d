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

/**
 * Caches slug lookups for a short time so that serving does not query the
 * database per request, while a production switch shows within `ttlMs`.
 */
export function createSiteResolver(db: Database, ttlMs = 2000): (slug: string) => Promise<SiteTarget | null> {
  const cache = new Map<string, { at: number; value: Promise<SiteTarget | null> }>();
  return (slug) => {
    const now = Date.now();
    const hit = cache.get(slug);
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = resolveSite(db, slug).catch((error: unknown) => {
      cache.delete(slug);
      throw error;
    });
    cache.set(slug, { at: now, value });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    return value;
  };
}

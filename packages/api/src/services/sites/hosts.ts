import type { UrlEnv } from "../deployments/urls.js";
import { siteSlugFromHost } from "../deployments/urls.js";

// Which requests are for a deployed site: the web server asks this for every
// request before anything else (site hosts skip the platform's middleware),
// so the answer per Host header value is remembered. The decision itself is
// siteSlugFromHost's (APP_DOMAIN and the CDN host, see deployments/urls.ts).

export interface SiteHostMatcher {
  /** The site slug a Host header addresses, or null for the platform's own hosts. */
  (hostHeader: string | undefined): string | null;
}

/** Distinct Host values remembered; beyond that the memo starts over (hosts are client-chosen). */
const MAX_HOSTS = 4096;

export function createSiteHostMatcher(env: UrlEnv): SiteHostMatcher {
  const memo = new Map<string, string | null>();
  return (hostHeader) => {
    if (hostHeader === undefined) return null;
    const known = memo.get(hostHeader);
    if (known !== undefined) return known;
    const slug = siteSlugFromHost(env, hostHeader);
    if (memo.size >= MAX_HOSTS) memo.clear();
    memo.set(hostHeader, slug);
    return slug;
  };
}

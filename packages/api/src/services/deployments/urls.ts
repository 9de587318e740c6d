import type { Env } from "../../env.js";
import { DNS_LABEL } from "./slugs.js";

// Where deployed sites live. Every deployment has its own URL and each project
// a production URL that follows its newest successful deployment:
//   <scheme>://<deployment-slug>.<APP_DOMAIN>   <scheme>://<project-slug>.<APP_DOMAIN>
// The scheme follows APP_URL (http unless the platform is served over https).
// With CDN_URL set, sites are addressed under the CDN's host instead, keeping
// the CDN's scheme and port: CDN_URL=https://cdn.example.com gives
// https://<slug>.cdn.example.com (the CDN needs a wildcard name and forwards
// the Host header to the platform); the path of CDN_URL is not used.
// URLs are computed when read, never trusted from the table, so changing
// APP_DOMAIN or CDN_URL moves every link at once.

export type UrlEnv = Pick<Env, "APP_DOMAIN" | "CDN_URL" | "httpsOnly">;

function siteBase(env: UrlEnv): { scheme: string; host: string } {
  if (env.CDN_URL) {
    const cdn = new URL(env.CDN_URL);
    return { scheme: cdn.protocol.replace(/:$/, ""), host: cdn.host };
  }
  return { scheme: env.httpsOnly ? "https" : "http", host: env.APP_DOMAIN.toLowerCase() };
}

export function siteUrl(env: UrlEnv, slug: string): string {
  const { scheme, host } = siteBase(env);
  return `${scheme}://${slug}.${host}`;
}

export function deploymentUrls(env: UrlEnv, slugs: { deploymentSlug: string; projectSlug: string }): { deploymentUrl: string; productionUrl: string } {
  return { deploymentUrl: siteUrl(env, slugs.deploymentSlug), productionUrl: siteUrl(env, slugs.projectSlug) };
}

function stripPort(host: string): string {
  return host.replace(/:\d+$/, "");
}

/**
 * The slug a request's Host header addresses, or null when the host is not a
 * site host (the platform's own pages). Accepts APP_DOMAIN and the CDN host;
 * a port on the request is ignored when the configured domain has none.
 */
export function siteSlugFromHost(env: UrlEnv, hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const host = hostHeader.trim().toLowerCase().replace(/\.$/, "");
  const domains = [env.APP_DOMAIN.toLowerCase()];
  if (env.CDN_URL) domains.push(new URL(env.CDN_URL).host.toLowerCase());
  for (const domain of domains) {
    const candidate = /:\d+$/.test(domain) ? host : stripPort(host);
    if (!candidate.endsWith(`.${domain}`)) continue;
    const label = candidate.slice(0, -(domain.length + 1));
    if (DNS_LABEL.test(label)) return label;
  }
  return null;
}

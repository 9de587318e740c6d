import { randomInt } from "node:crypto";

// DNS labels for site URLs: http://<slug>.<APP_DOMAIN>. A label is at most 63
// characters of [a-z0-9-], neither starting nor ending with "-". Runs of "-"
// are collapsed, which also keeps us clear of IDNA's "xx--" prefixes.

export const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const PROJECT_SUFFIX = 6;
const DEPLOYMENT_SUFFIX = 8;
// A deployment's slug is its project's plus "-" and 8 characters; both fit 63.
const PROJECT_SLUG_MAX = 63 - 1 - DEPLOYMENT_SUFFIX;
const BASE_MAX = PROJECT_SLUG_MAX - 1 - PROJECT_SUFFIX;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function randomBase36(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** "My_Awesome.App" → "my-awesome-app"; "site" when nothing usable is left. */
export function slugBase(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents split off by NFKD: "é" → "e"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, BASE_MAX)
    .replace(/^-+|-+$/g, "");
  return base || "site";
}

/** e.g. "my-app-3f9c2a": unique enough that a collision (unique index) is retried. */
export function newProjectSlug(name: string): string {
  return `${slugBase(name)}-${randomBase36(PROJECT_SUFFIX)}`;
}

/** e.g. "my-app-3f9c2a-k2j9x0ab". */
export function newDeploymentSlug(projectSlug: string): string {
  return `${projectSlug.slice(0, PROJECT_SLUG_MAX).replace(/-+$/, "")}-${randomBase36(DEPLOYMENT_SUFFIX)}`;
}

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { isInternalAddress } from "@autostack/api/services";

// Where a build may connect with BUILD_NETWORK=public (ADR 0015): any address
// but a network's own machines — the host's loopback (the platform's
// database, the web server), private ranges, link-local (cloud metadata at
// 169.254.169.254), CGNAT, unique-local — in whatever notation the build
// writes it, because the proxy resolves the name itself and connects to the
// address it checked (no DNS rebinding). Hosts the operator lists in
// BUILD_EGRESS_ALLOW_HOSTS (an in-house registry) pass whatever they resolve to.

const LOOKUP_TIMEOUT_MS = 5000;

export type Lookup = (host: string) => Promise<string[]>;

export interface EgressPolicy {
  /** Host names (lowercase, no trailing dot) that may resolve to internal addresses. */
  allowHosts: ReadonlySet<string>;
  isBlocked(address: string): boolean;
  lookup: Lookup;
}

export type Decision = { allowed: true; address: string } | { allowed: false; status: 403 | 502; reason: string };

const systemLookup: Lookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export function egressPolicy(allowHosts: readonly string[] = [], overrides: Partial<Omit<EgressPolicy, "allowHosts">> = {}): EgressPolicy {
  return {
    allowHosts: new Set(allowHosts.map(normalizeHost)),
    isBlocked: overrides.isBlocked ?? isInternalAddress,
    lookup: overrides.lookup ?? systemLookup,
  };
}

/**
 * "Example.COM." → "example.com"; "[::1]" → "::1"; and IPv4 in the other
 * notations resolvers accept ("0x7f000001", "2130706433", "127.1") → the
 * dotted form, as the URL parser reads them, so they are checked as addresses.
 */
export function normalizeHost(host: string): string {
  const trimmed = host.trim().replace(/\.$/, "").toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.replace(/^\[(.*)\]$/, "$1");
  try {
    return new URL(`http://${trimmed}/`).hostname;
  } catch {
    return trimmed;
  }
}

/** The one address a connection to `host` may go to, or why it may not. */
export async function decide(policy: EgressPolicy, rawHost: string): Promise<Decision> {
  const host = normalizeHost(rawHost);
  const trusted = policy.allowHosts.has(host);
  if (isIP(host)) {
    if (!trusted && policy.isBlocked(host)) return { allowed: false, status: 403, reason: `${host} is a private, loopback or link-local address` };
    return { allowed: true, address: host };
  }
  const unresolved: string[] = [];
  const addresses = await Promise.race([policy.lookup(host).catch(() => unresolved), delay(LOOKUP_TIMEOUT_MS, unresolved, { ref: false })]);
  if (addresses.length === 0) return { allowed: false, status: 502, reason: `${host} does not resolve` };
  // Every answer must pass: a name with one internal answer among public ones is refused too.
  const blocked = trusted ? undefined : addresses.find((address) => policy.isBlocked(address));
  if (blocked) return { allowed: false, status: 403, reason: `${host} resolves to ${blocked}, a private, loopback or link-local address` };
  return { allowed: true, address: addresses[0]! };
}

import { isInternalAddress, resolveChecked, type Lookup } from "@autostack/api/services";

// Where a build may connect with BUILD_NETWORK=public (ADR 0015): any address
// but a network's own machines — the host's loopback (the platform's
// database, the web server), private ranges, link-local (cloud metadata at
// 169.254.169.254), CGNAT, unique-local — in whatever notation the build
// writes it, because the proxy resolves the name itself and connects to the
// address it checked (no DNS rebinding). Hosts the operator lists in
// BUILD_EGRESS_ALLOW_HOSTS (an in-house registry) pass whatever they resolve to.

export interface EgressPolicy {
  /** Host names (lowercase, no trailing dot) that may resolve to internal addresses. */
  allowHosts: ReadonlySet<string>;
  isBlocked(address: string): boolean;
  /** The system resolver when unset (tests pass their own). */
  lookup?: Lookup;
}

export type Decision = { allowed: true; address: string } | { allowed: false; status: 403 | 502; reason: string };

export function egressPolicy(allowHosts: readonly string[] = [], overrides: Partial<Omit<EgressPolicy, "allowHosts">> = {}): EgressPolicy {
  return {
    allowHosts: new Set(allowHosts.map(normalizeHost)),
    isBlocked: overrides.isBlocked ?? isInternalAddress,
    ...(overrides.lookup ? { lookup: overrides.lookup } : {}),
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

/** The one address a connection to `host` may go to, or why it may not (resolveChecked: the repository URL check's resolution). */
export async function decide(policy: EgressPolicy, rawHost: string): Promise<Decision> {
  const host = normalizeHost(rawHost);
  const isBlocked = policy.allowHosts.has(host) ? () => false : policy.isBlocked;
  const checked = await resolveChecked(host, isBlocked, policy.lookup);
  if ("unresolved" in checked) return { allowed: false, status: 502, reason: `${host} does not resolve` };
  if ("blocked" in checked) {
    const reason = checked.blocked === host ? `${host} is a` : `${host} resolves to ${checked.blocked}, a`;
    return { allowed: false, status: 403, reason: `${reason} private, loopback or link-local address` };
  }
  return { allowed: true, address: checked.address };
}

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ValidationError } from "../../errors.js";

// A repository URL makes a server of ours (the web process detecting a
// framework, the worker cloning) connect where the user says. Left alone,
// that reaches the platform's own database, the cloud's metadata service
// (169.254.169.254) and every private host beside it. So an https
// repository's host must be, and resolve only to, public addresses — in
// whatever notation it is written (the WHATWG URL parser has already turned
// 0x7f000001, 2130706433 and 127.1 into 127.0.0.1) — unless the operator
// allows private networks (ALLOW_PRIVATE_NETWORK_REPOS, single-user
// machines). The address checked is the one git connects to: clones pin it
// (http.curloptResolve) and follow no redirect, so DNS rebinding between the
// check and the connection changes nothing.

export interface PinnedAddress {
  host: string;
  port: number;
  address: string;
}

export type Lookup = (host: string) => Promise<string[]>;

const defaultLookup: Lookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
const LOOKUP_TIMEOUT_MS = 5000;

/**
 * IPv4 ranges where a network's own machines live (RFC 6890 and friends):
 * [network, prefix length]. These are what no request of a user may reach.
 */
const IPV4_INTERNAL: [string, number][] = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["224.0.0.0", 4], ["240.0.0.0", 4],
];
/** Reserved for documentation, benchmarking and the retired 6to4 relay: not the public internet either, but no host's own network. */
const IPV4_RESERVED: [string, number][] = [["192.0.2.0", 24], ["192.88.99.0", 24], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24]];

/** Which addresses count as blocked: "internal" (a network's own machines) or also "reserved" ones. */
type Strictness = "internal" | "reserved";

function ipv4Number(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inRanges(address: string, ranges: [string, number][]): boolean {
  const value = ipv4Number(address);
  return ranges.some(([network, prefix]) => Math.floor(value / 2 ** (32 - prefix)) === Math.floor(ipv4Number(network) / 2 ** (32 - prefix)));
}

function isBlockedIpv4(address: string, strictness: Strictness): boolean {
  return inRanges(address, IPV4_INTERNAL) || (strictness === "reserved" && inRanges(address, IPV4_RESERVED));
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4Number(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
}

function isBlockedIpv6(address: string, strictness: Strictness): boolean {
  const g = ipv6Groups(address);
  const embeddedV4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    if (g[5] === 0 && g[6] === 0 && (g[7] === 0 || g[7] === 1)) return true; // :: and ::1
    return isBlockedIpv4(embeddedV4(g[6]!, g[7]!), strictness); // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible)
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isBlockedIpv4(embeddedV4(g[6]!, g[7]!), strictness); // NAT64
  if (g[0] === 0x2002) return isBlockedIpv4(embeddedV4(g[1]!, g[2]!), strictness); // 6to4
  const first = g[0]!;
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local fec0::/10
    (first & 0xff00) === 0xff00 || // multicast
    (strictness === "reserved" && first === 0x2001 && g[1] === 0x0db8) || // documentation
    (first === 0x0100 && g.slice(1, 4).every((x) => x === 0)) // discard-only 100::/64
  );
}

/** Whether an IP address (v4 or v6, no brackets) is loopback, private, link-local, multicast, unspecified or reserved. */
export function isNonPublicAddress(address: string): boolean {
  return isBlocked(address, "reserved");
}

/**
 * Whether an IP address is one of a network's own machines: loopback,
 * private, link-local, CGNAT, unique-local, multicast, unspecified — in any
 * IPv6 form that embeds such an IPv4 address. Unlike isNonPublicAddress, the
 * documentation and benchmarking ranges pass: no operator's services live
 * there, and some networks route them to real public services. It decides
 * where a build's egress may go (apps/worker/src/builder/egress).
 */
export function isInternalAddress(address: string): boolean {
  return isBlocked(address, "internal");
}

function isBlocked(address: string, strictness: Strictness): boolean {
  const family = isIP(address);
  if (family === 4) return isBlockedIpv4(address, strictness);
  if (family === 6) return isBlockedIpv6(address, strictness);
  return true;
}

/** A 422 on the `repository` field; `reason` is that field's message (the worker's log line). */
export class RepositoryAddressError extends ValidationError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message, { repository: reason });
  }
}

const refused = (host: string, address: string) =>
  new RepositoryAddressError(
    "Repository host is not public",
    address === host
      ? `${host} is a private, loopback or link-local address: only public hosts can be deployed from`
      : `${host} resolves to ${address}, a private, loopback or link-local address: only public hosts can be deployed from`,
  );

/**
 * For an https repository URL: its host and port and the one public address a
 * clone must connect to. Throws a ValidationError (field `repository`) for a
 * host that is or resolves to a non-public address. Returns null when there is
 * nothing to check (file:// repositories, ALLOW_PRIVATE_NETWORK_REPOS) and —
 * only when `unresolvedOk` — when the name does not resolve (creation lets the
 * clone report that; the clone itself cannot go on without an address).
 */
export async function checkRepositoryAddress(
  repositoryUrl: string,
  options: { allowPrivate: boolean; unresolvedOk?: boolean; lookup?: Lookup },
): Promise<PinnedAddress | null> {
  if (options.allowPrivate || !repositoryUrl.startsWith("https://")) return null;
  const url = new URL(repositoryUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || 443);
  const checked = await resolveChecked(host, isNonPublicAddress, options.lookup);
  if ("blocked" in checked) throw refused(host, checked.blocked);
  if ("unresolved" in checked) {
    if (options.unresolvedOk) return null;
    throw new RepositoryAddressError("Repository host does not resolve", `${host} does not resolve to an address`);
  }
  return { host, port, address: checked.address };
}

export type AddressCheck = { address: string } | { blocked: string } | { unresolved: true };

/**
 * The one address a connection to `host` may use: the host itself when it is
 * an IP address, else the first answer of a lookup (5 s at most) — and only
 * when no answer is blocked: a name with one blocked answer among allowed
 * ones is refused too. The caller connects to exactly this address, so DNS
 * rebinding between the check and the connection changes nothing.
 */
export async function resolveChecked(host: string, isBlocked: (address: string) => boolean, lookup: Lookup = defaultLookup): Promise<AddressCheck> {
  if (isIP(host)) return isBlocked(host) ? { blocked: host } : { address: host };
  let addresses: string[];
  try {
    addresses = await withTimeout(lookup(host), LOOKUP_TIMEOUT_MS);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) return { unresolved: true };
  const blocked = addresses.find(isBlocked);
  return blocked ? { blocked } : { address: addresses[0]! };
}

/** git options that make a clone connect only to the checked address and follow no redirect. */
export function pinnedGitConfig(pin: PinnedAddress | null): string[] {
  if (!pin) return [];
  const address = pin.address.includes(":") ? `[${pin.address}]` : pin.address;
  return ["-c", "http.followRedirects=false", "-c", `http.curloptResolve=${pin.host}:${pin.port}:${address}`];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("DNS lookup timed out")), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

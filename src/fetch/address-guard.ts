// SSRF guard: decides which addresses a fetch may connect to, and checks URLs before any packet leaves.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { FetchSettings } from '../core/config.ts';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The part of FetchSettings the guard reads. */
export type GuardSettings = Pick<FetchSettings, 'allowPrivateNetworks' | 'privateAllowlist'>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into addresses; injectable so tests can stub DNS (rebinding, failures). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Raised when a connection would reach an address the guard refuses. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKED';
  constructor(readonly address: string, readonly hostname?: string) {
    super(`blocked: non-public address (${hostname && hostname !== address ? `${hostname} → ${address}` : address})`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * Host names refused at subscribe time without asking DNS: RFC 6761 `localhost`, mDNS `.local`,
 * RFC 8375 `home.arpa`, the `.internal` private-use TLD, the cloud metadata aliases, and
 * single-label names (only an intranet resolves those). At fetch time the resolved address
 * decides instead (see createGuardedLookup).
 */
const BLOCKED_NAMES = ['localhost', 'metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal'];
const BLOCKED_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain'];

export const defaultResolver: Resolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Parses an address, accepting the bracketed IPv6 form that WHATWG URL hostnames use. */
function parseAddress(ip: string): Address | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // Only canonical literals: ipaddr.js would also read "0x7f.1"-style IPv4, which URL has already
  // canonicalised by the time an address reaches us.
  if (!ipaddr.IPv6.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return undefined;
  try {
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

function ipv4FromBits(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The IPv4 addresses an IPv6 address carries (mapped, translated, NAT64, 6to4, Teredo). */
function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = addr.parts;
  switch (addr.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
    case 'rfc6052': // 64:ff9b::a.b.c.d (RFC 6052 well-known NAT64 prefix)
      return [ipv4FromBits(p[6], p[7])];
    case '6to4': // 2002:AABB:CCDD::/48 (RFC 3056)
      return [ipv4FromBits(p[1], p[2])];
    case 'teredo': // 2001:0:SSSS:SSSS:flags:port:~CCCC:~CCCC (RFC 4380): server and obfuscated client
      return [ipv4FromBits(p[2], p[3]), ipv4FromBits(p[6] ^ 0xffff, p[7] ^ 0xffff)];
    default:
      return [];
  }
}

function isPublicParsed(addr: Address): boolean {
  if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'unicast') {
    // Only 2000::/3 is allocated global unicast; ::/96 (the deprecated IPv4-compatible form) and the
    // rest of the unassigned space are not somewhere a feed lives.
    return v6.parts[0] >= 0x2000 && v6.parts[0] <= 0x3fff;
  }
  // The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is a private network by definition.
  if (range === 'rfc6052' && v6.parts[2] !== 0) return false;
  const inner = embeddedIPv4(v6);
  return inner.length > 0 && inner.every((v4) => v4.range() === 'unicast');
}

/** True when `ip` is a globally routable unicast address; false for anything else, invalid input included. */
export function isPublicAddress(ip: string): boolean {
  const addr = parseAddress(ip);
  return addr !== undefined && isPublicParsed(addr);
}

/** An allowlist entry as a range: "10.0.0.0/8", or a plain address meaning just itself. */
function parseRange(entry: string): [Address, number] | undefined {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const one = ipaddr.parse(entry);
    return [one, one.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined; // config validation reports bad entries; here they simply match nothing
  }
}

function isAllowlisted(addr: Address, allowlist: readonly string[]): boolean {
  const forms: Address[] = [addr];
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) forms.push((addr as ipaddr.IPv6).toIPv4Address());
  return allowlist.some((entry) => {
    const range = parseRange(entry.trim());
    return range !== undefined && forms.some((form) => form.kind() === range[0].kind() && form.match(range));
  });
}

/** True when the settings let a fetch connect to `ip`: public, allowlisted, or private networks allowed. */
export function isAddressAllowed(ip: string, settings: GuardSettings): boolean {
  if (settings.allowPrivateNetworks) return true;
  const addr = parseAddress(ip);
  if (!addr) return false;
  return isPublicParsed(addr) || isAllowlisted(addr, settings.privateAllowlist);
}

/** The literal address in a URL's host, if the host is one (URL has already canonicalised `0x7f.1` etc.). */
export function literalAddress(url: URL): string | undefined {
  const host = url.hostname;
  if (host.startsWith('[')) return host.slice(1, -1);
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? host : undefined;
}

export type HostCheck = { ok: true } | { ok: false; code: 'bad-url' | 'blocked'; error: string };

/**
 * Checks a URL without touching the network, for subscribe time: http(s) only, no literal
 * non-public address, and (unless an allowlist says internal hosts are expected) no name that can
 * only mean an internal host. A name that passes may still resolve somewhere private: fetchFeed
 * checks the resolved address, the one it connects to, so that check needs no name list.
 */
export function checkUrlHost(url: URL, settings: GuardSettings): HostCheck {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'bad-url', error: `unsupported URL scheme "${url.protocol.replace(/:$/, '')}" (only http and https)` };
  }
  if (settings.allowPrivateNetworks) return { ok: true };
  const literal = literalAddress(url);
  if (literal !== undefined) {
    return isAddressAllowed(literal, settings)
      ? { ok: true }
      : { ok: false, code: 'blocked', error: `blocked: non-public address (${literal})` };
  }
  if (settings.privateAllowlist.length > 0) return { ok: true };
  const name = url.hostname.toLowerCase().replace(/\.+$/, '');
  if (BLOCKED_NAMES.includes(name) || BLOCKED_SUFFIXES.some((s) => name.endsWith(s)) || !name.includes('.')) {
    return { ok: false, code: 'blocked', error: `blocked: non-public address (${url.hostname})` };
  }
  return { ok: true };
}

/**
 * A `lookup` for http.request that resolves through `resolve` and hands the socket only addresses
 * the guard allows, so the address checked is the address connected to (DNS rebinding included).
 */
export function createGuardedLookup(settings: GuardSettings, resolve: Resolver = defaultResolver): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname).then(
      (found) => {
        const candidates = found.filter((a) => wanted === 0 || a.family === wanted);
        if (candidates.length === 0) {
          const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
          callback(err, '', 0);
          return;
        }
        const allowed = candidates.filter((a) => isAddressAllowed(a.address, settings));
        if (allowed.length === 0) {
          callback(new BlockedAddressError(candidates[0].address, hostname), '', 0);
          return;
        }
        if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, allowed);
        else callback(null, allowed[0].address, allowed[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

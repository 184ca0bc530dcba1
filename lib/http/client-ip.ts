import ipaddr from "ipaddr.js";

/**
 * The one place that decides a request's client IP. X-Forwarded-For is honoured only when the
 * connection comes from a configured trusted proxy, and only valid addresses are ever returned.
 */

/**
 * Set by the Trunkline server from the socket's address, sealed with the request id (see
 * peer-seal.ts): a copy sent by a client is overwritten, or ignored when the app runs otherwise.
 */
export const PEER_IP_HEADER = "x-trunkline-peer-ip";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A bare address in TRUSTED_PROXIES is a range of exactly that one address. */
const ADDRESS_BITS = { ipv4: 32, ipv6: 128 } as const;
export type TrustedProxies = Range[];

/** Parses the normalised form: IPv4-mapped IPv6 (::ffff:1.2.3.4) becomes plain IPv4. */
export function parseIp(text: string | null | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!text) return null;
  const trimmed = text.trim().replace(/^\[(.*)\]$/, "$1");
  // Not ipaddr.isValid: it accepts IPv4 shorthand like "10.1" that no proxy would send.
  if (!ipaddr.IPv4.isValidFourPartDecimal(trimmed) && !ipaddr.IPv6.isValid(trimmed)) return null;
  const addr = ipaddr.parse(trimmed);
  return addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

/** "127.0.0.1, 10.0.0.0/8, ::1" → ranges; throws on an entry that is neither an IP nor a CIDR. */
export function parseTrustedProxies(spec: string): TrustedProxies {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry): Range => {
      if (entry.includes("/")) {
        try {
          return ipaddr.parseCIDR(entry);
        } catch {
          throw new Error(`TRUSTED_PROXIES: "${entry}" is not a valid CIDR`);
        }
      }
      const addr = parseIp(entry);
      if (!addr) throw new Error(`TRUSTED_PROXIES: "${entry}" is not a valid IP address`);
      return [addr, ADDRESS_BITS[addr.kind()]];
    });
}

function isTrusted(addr: ipaddr.IPv4 | ipaddr.IPv6, trusted: TrustedProxies): boolean {
  return trusted.some(([range, bits]) => addr.kind() === range.kind() && addr.match(range, bits));
}

/** Whether the connection's own peer is one of the configured proxies (so its headers count). */
export function isTrustedPeer(peer: string | null | undefined, trusted: TrustedProxies): boolean {
  const addr = parseIp(peer);
  return addr !== null && isTrusted(addr, trusted);
}

/**
 * Walks X-Forwarded-For from the nearest hop back while hops are trusted proxies; the first
 * untrusted hop is the client. Without a trusted peer the header is ignored entirely.
 */
export function resolveClientIp(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string | null {
  const peerAddr = parseIp(peer);
  if (!peerAddr) return null;
  if (!forwardedFor || !isTrusted(peerAddr, trusted)) return peerAddr.toString();
  const hops = forwardedFor.split(","); // parseIp trims each
  let client = peerAddr;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hops[i]);
    if (!hop) break; // a garbled hop: stop at the last address we could trust
    client = hop;
    if (!isTrusted(hop, trusted)) break;
  }
  return client.toString();
}

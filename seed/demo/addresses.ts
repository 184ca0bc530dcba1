/**
 * IP addresses of the demo, all from the documentation ranges (RFC 5737, RFC 3849) so none of
 * them belongs to anyone. The ranges are split by who uses them, so a CIDR search of the audit
 * log finds one kind of traffic.
 */
import type { Random } from "@/seed/random";

const v4 = (a: number, b: number, c: number, d: number) =>
  ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

/** Blocks of customer SBCs (ingress allowed IPs): three slices of the three ranges. */
const CUSTOMER_RANGES: Array<[start: number, size: number]> = [
  [v4(198, 51, 100, 0), 256],
  [v4(203, 0, 113, 0), 128],
  [v4(192, 0, 2, 64), 192],
];

/** Staff offices sit in 192.0.2.0/27 (names.ts); API clients in 192.0.2.32/27. */
export const API_CLIENT_IPS = ["192.0.2.40", "192.0.2.41", "192.0.2.42", "192.0.2.43"];

/** Carrier gateways (the CDR's dest_ip) in 203.0.113.128/26. */
export function carrierGatewayIps(carrierIndex: number): string[] {
  const base = v4(203, 0, 113, 128) + carrierIndex * 4;
  return [dotted(base + 1), dotted(base + 2)];
}

/** Where a carrier's NOC signs in to the portal from: next to its gateways. */
export function carrierOfficeIp(carrierIndex: number): string {
  return dotted(v4(203, 0, 113, 128) + carrierIndex * 4 + 3);
}

/** Scanners and credential stuffers on the open internet, in 203.0.113.192/26. */
export function internetIp(rng: Random): string {
  return dotted(v4(203, 0, 113, 192) + rng.int(1, 62));
}

/** Hands out aligned, non-overlapping CIDR blocks to ingress routes, in a fixed order. */
export class CidrAllocator {
  private readonly used = CUSTOMER_RANGES.map(() => 0);
  private v6Blocks = 0;

  /** An SBC cluster's IPv6 network; also where additions go once the IPv4 ranges are full. */
  allocate6(): string {
    this.v6Blocks += 1;
    return `2001:db8:5000:${this.v6Blocks.toString(16)}::/64`;
  }

  /** One more SBC address for a route: a single IPv4 address, or an IPv6 network. */
  allocateAddition(rng: Random): string {
    if (rng.chance(0.2)) return this.allocate6();
    try {
      let block = this.allocate(32);
      // A network or broadcast address of a /24 would look wrong as an SBC.
      while (/\.(0|255)\/32$/.test(block)) block = this.allocate(32);
      return block;
    } catch {
      return this.allocate6();
    }
  }

  /** A block of 2^(32 - prefixLength) addresses, e.g. 29 → "198.51.100.8/29". */
  allocate(prefixLength: number): string {
    const size = 2 ** (32 - prefixLength);
    for (const [i, [start, length]] of CUSTOMER_RANGES.entries()) {
      const aligned = Math.ceil(this.used[i]! / size) * size;
      if (aligned + size <= length) {
        this.used[i] = aligned + size;
        return `${dotted(start + aligned)}/${prefixLength}`;
      }
    }
    throw new Error("documentation address ranges exhausted");
  }

  /** A block size that looks like a customer's: mostly single SBCs and small clusters. */
  allocateTypical(rng: Random): string {
    return this.allocate(
      rng.weighted([32, 30, 29, 28], (p) => ({ 32: 5, 30: 3, 29: 2, 28: 1 })[p]!),
    );
  }
}

/** One address inside a CIDR block (its network address for a /32). */
export function hostIn(cidr: string, rng: Random): string {
  const [address, bits] = cidr.split("/");
  if (address!.includes(":")) {
    return bits === "128" ? address! : `${address!.replace(/::$/, "")}::${rng.hex(1)}${rng.hex(3)}`;
  }
  const [a, b, c, d] = address!.split(".").map(Number);
  const size = 2 ** (32 - Number(bits));
  const offset = size <= 2 ? 0 : rng.int(1, size - 2);
  return dotted(v4(a!, b!, c!, d!) + offset);
}

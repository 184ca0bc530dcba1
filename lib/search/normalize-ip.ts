import ipaddr from "ipaddr.js";
import { parseIp } from "@/lib/http/client-ip";

/**
 * An address or CIDR in the one form the SQL builder and the chips use: IPv4-mapped IPv6
 * becomes IPv4, IPv6 is compressed (RFC 5952), a CIDR is reduced to its network address
 * ("10.1.2.3/8" → "10.0.0.0/8") and a full-length prefix to a bare address. Returns null for
 * anything else, including shorthand ("10.1") and zone ids ("fe80::1%eth0") that inet refuses.
 */
export function normalizeIpOrCidr(text: string): string | null {
  const trimmed = text.trim();
  // Zone ids ("fe80::1%eth0") and bracketed CIDRs have no inet spelling.
  if (trimmed.includes("%")) return null;
  const slash = trimmed.indexOf("/");
  if (slash < 0) return parseIp(trimmed)?.toString() ?? null;

  const addressText = trimmed.slice(0, slash);
  const lengthText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText) || addressText.includes("[")) return null;
  let length = Number(lengthText);
  let address = parseIp(addressText);
  if (!address) return null;
  if (address.kind() === "ipv4" && addressText.includes(":")) {
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8; a shorter prefix reaches beyond the mapped block.
    if (length >= 96) length -= 96;
    else address = ipaddr.IPv6.parse(addressText);
  }
  const bits = address.kind() === "ipv4" ? 32 : 128;
  if (length > bits) return null;
  if (length === bits) return address.toString();
  const network =
    address.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${length}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${length}`);
  return `${network.toString()}/${length}`;
}

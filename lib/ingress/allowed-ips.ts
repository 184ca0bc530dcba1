import ipaddr from "ipaddr.js";
import { parseIp } from "@/lib/http/client-ip";

export type ParsedAllowedIps = { cidrs: string[]; errors: string[] };

/**
 * The "Allowed IPs" textarea: one IP or CIDR per line, blank lines ignored. Single addresses become
 * /32 or /128; a CIDR with host bits set is refused (Postgres' cidr type would reject it anyway)
 * with the network it probably meant, rather than silently widening or narrowing the range.
 */
export function parseAllowedIps(text: string): ParsedAllowedIps {
  const cidrs: string[] = [];
  const errors: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim();
    if (!entry) continue;
    const normalised = normaliseEntry(entry);
    if (normalised.ok) {
      if (!cidrs.includes(normalised.cidr)) cidrs.push(normalised.cidr);
    } else {
      errors.push(normalised.error);
    }
  }
  return { cidrs, errors };
}

function normaliseEntry(entry: string): { ok: true; cidr: string } | { ok: false; error: string } {
  const invalid = { ok: false as const, error: `"${entry}" is not a valid IP address or CIDR.` };
  if (!entry.includes("/")) {
    const addr = parseIp(entry);
    if (!addr) return invalid;
    return { ok: true, cidr: `${addr.toString()}/${addr.kind() === "ipv4" ? 32 : 128}` };
  }
  const [ipText = "", bitsText = ""] = entry.split("/");
  const addr = parseIp(ipText);
  if (!addr || !/^\d{1,3}$/.test(bitsText)) return invalid;
  const bits = Number(bitsText);
  if (bits > (addr.kind() === "ipv4" ? 32 : 128)) return invalid;
  const network =
    addr.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  const cidr = `${network.toString()}/${bits}`;
  if (network.toString() !== addr.toString()) {
    return { ok: false, error: `"${entry}" has host bits set; did you mean ${cidr}?` };
  }
  return { ok: true, cidr };
}

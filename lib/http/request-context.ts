import { randomUUID } from "node:crypto";
import { readConfig } from "@/lib/config";
import { parseTrustedProxies, resolveClientIp, type TrustedProxies } from "./client-ip";
import { unsealPeerHeaders } from "./peer-seal";

export type RequestContext = { ip: string | null; userAgent: string | null; requestId: string };

let trustedCache: { spec: string; ranges: TrustedProxies } | null = null;
/** TRUSTED_PROXIES, parsed once per value. */
export function trustedProxies(): TrustedProxies {
  const spec = readConfig().TRUSTED_PROXIES;
  if (trustedCache?.spec !== spec) trustedCache = { spec, ranges: parseTrustedProxies(spec) };
  return trustedCache.ranges;
}

/**
 * Client IP, user agent and request id of a request, from its headers. The peer address and
 * request id count only when sealed by this process's server (lib/http/peer-seal.ts): started
 * any other way, the IP is unknown (null) and the request id is a fresh one.
 */
export function requestContextFrom(headers: Headers): RequestContext {
  const { peer, requestId } = unsealPeerHeaders(headers);
  return {
    ip: resolveClientIp(peer, headers.get("x-forwarded-for"), trustedProxies()),
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    requestId: requestId && /^[\w-]{8,64}$/.test(requestId) ? requestId : randomUUID(),
  };
}

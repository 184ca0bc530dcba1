import { randomUUID } from "node:crypto";
import { readConfig } from "@/lib/config";
import {
  PEER_IP_HEADER,
  parseTrustedProxies,
  resolveClientIp,
  type TrustedProxies,
} from "./client-ip";

/** Set by the Trunkline server for every request, so log lines and audit entries share it. */
export const REQUEST_ID_HEADER = "x-request-id";

export type RequestContext = { ip: string | null; userAgent: string | null; requestId: string };

let trustedCache: { spec: string; ranges: TrustedProxies } | null = null;
function trustedProxies(): TrustedProxies {
  const spec = readConfig().TRUSTED_PROXIES;
  if (trustedCache?.spec !== spec) trustedCache = { spec, ranges: parseTrustedProxies(spec) };
  return trustedCache.ranges;
}

/** Client IP, user agent and request id of a request, from its headers. */
export function requestContextFrom(headers: Headers): RequestContext {
  const requestId = headers.get(REQUEST_ID_HEADER);
  return {
    ip: resolveClientIp(
      headers.get(PEER_IP_HEADER),
      headers.get("x-forwarded-for"),
      trustedProxies(),
    ),
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    requestId: requestId && /^[\w-]{8,64}$/.test(requestId) ? requestId : randomUUID(),
  };
}

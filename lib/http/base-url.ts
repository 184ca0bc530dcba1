import { isTrustedPeer, type TrustedProxies } from "./client-ip";
import { unsealPeerHeaders } from "./peer-seal";

/**
 * The origin for links in emails when APP_URL is not set: the host the request was made to.
 * X-Forwarded-Host and X-Forwarded-Proto are honoured only when the connection comes from a
 * trusted proxy (the same decision as for X-Forwarded-For); otherwise the Host header, over plain
 * HTTP (the app's own server speaks nothing else). A host that is not a host name, an IP address
 * or [IPv6], with an optional port, is never put in a link.
 */

const HOST =
  /^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

const FALLBACK_HOST = "localhost:3000";

function validHost(value: string | null | undefined): string | null {
  const host = value?.trim();
  if (!host || host.length > 255 || !HOST.test(host)) return null;
  const port = /:(\d+)$/.exec(host)?.[1];
  return port === undefined || Number(port) <= 65535 ? host.toLowerCase() : null;
}

/** The value the nearest proxy wrote: the last of a comma-separated list. */
const nearest = (value: string | null) => value?.split(",").at(-1)?.trim() ?? null;

export function baseUrlFromHeaders(headers: Headers, trusted: TrustedProxies): string {
  const viaProxy = isTrustedPeer(unsealPeerHeaders(headers).peer, trusted);
  const forwardedHost = viaProxy ? validHost(nearest(headers.get("x-forwarded-host"))) : null;
  const host = forwardedHost ?? validHost(headers.get("host")) ?? FALLBACK_HOST;
  const forwardedProto = viaProxy ? nearest(headers.get("x-forwarded-proto"))?.toLowerCase() : null;
  const proto = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : "http";
  return new URL(`${proto}://${host}`).origin;
}

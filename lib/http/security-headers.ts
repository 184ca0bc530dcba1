import { isTrustedPeer, type TrustedProxies } from "./client-ip";
import { framedBySameOrigin } from "./csp";

/**
 * The headers every response carries, whatever answers it: pages, route handlers, the REST API,
 * Next's static files and the portal's assets. `npm start`'s own HTTP server sets them before
 * Next runs (scripts/start.ts), because the proxy (proxy.ts) skips /api/v1 and /_next/static and
 * next.config.ts `headers()` cannot tell a request that arrived over HTTPS from one that did not.
 * A handler that sets one of these itself (an SVG's own policy, say) overrides it.
 */

// Features the app never uses: a custom portal script cannot turn them on either. Only names
// Chromium knows (an unknown name is a console warning on every page); clipboard-write stays
// allowed for the API key's "Copy" button, fullscreen for nothing in particular to break.
const DENIED_FEATURES = [
  "accelerometer",
  "bluetooth",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "publickey-credentials-get",
  "serial",
  "usb",
  "xr-spatial-tracking",
];

// A year, the usual minimum for HSTS to mean anything. No includeSubDomains and no preload: the
// operator's other host names (a plain-HTTP SIP provisioning server, say) are not ours to pin.
const HSTS = "max-age=31536000";

/**
 * The header names and values for one response; HSTS only when it was served over HTTPS. The
 * request's path decides framing: the branding preview may be framed by this origin.
 */
export function securityHeaders(https: boolean, pathname = ""): [string, string][] {
  const headers: [string, string][] = [
    // "same-origin": within the app the full URL goes along (and, per the Fetch standard, the
    // Origin header of a same-origin POST, which Next's server actions check — "no-referrer"
    // would send `Origin: null` and break them). To another site nothing goes: an audit-log URL
    // carries search terms (IPs, numbers, names), and a white-label portal's links in the
    // operator's footer need not tell where they were followed from.
    ["Referrer-Policy", "same-origin"],
    ["Permissions-Policy", DENIED_FEATURES.map((f) => `${f}=()`).join(", ")],
    // A JSON answer, a CSV export or an uploaded logo is never run as a script or a page.
    ["X-Content-Type-Options", "nosniff"],
    // The pages' CSP already says frame-ancestors 'none' (lib/http/csp.ts); this covers what the
    // CSP is not sent with (API answers, exports, assets) and browsers that predate it.
    ["X-Frame-Options", framedBySameOrigin(pathname) ? "SAMEORIGIN" : "DENY"],
  ];
  if (https) headers.push(["Strict-Transport-Security", HSTS]);
  return headers;
}

/** What `npm start`'s server knows about a request when deciding whether it came over HTTPS. */
export type ConnectionFacts = {
  /** The socket's remote address. */
  peer: string | undefined;
  host: string | undefined;
  forwardedProto: string | string[] | undefined;
};

/**
 * Whether the browser reached the app over HTTPS. The app's own server speaks plain HTTP, so
 * only something in front of it can have spoken TLS: a trusted proxy (TRUSTED_PROXIES, the same
 * rule as for X-Forwarded-For and lib/http/base-url.ts) says so in X-Forwarded-Proto — its
 * nearest value, the one it wrote itself. Otherwise an APP_URL with https:// counts for requests
 * addressed to its host (a TLS terminator that passes the Host on), never for one made to
 * another name such as localhost:3000 directly. A client that fakes either over plain HTTP gets
 * a header its own browser ignores there (RFC 6797 §8.1).
 */
export function servedOverHttps(
  facts: ConnectionFacts,
  trusted: TrustedProxies,
  appUrl: string | undefined,
): boolean {
  const proto = [facts.forwardedProto ?? []].flat().join(",").split(",").at(-1)?.trim();
  if (proto && isTrustedPeer(facts.peer, trusted)) return proto.toLowerCase() === "https";
  if (!appUrl) return false;
  const url = new URL(appUrl);
  return url.protocol === "https:" && facts.host?.trim().toLowerCase() === url.host;
}

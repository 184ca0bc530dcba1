/**
 * The Content-Security-Policy every page is served with. Scripts run only from this origin or
 * inline with the request's nonce (Next's own bootstrap), so the operator's custom script, served
 * from this origin, cannot pull in code from elsewhere; connect-src, img-src and form-action keep
 * it from quietly fetching or posting to another host. (A script can still navigate the page
 * away: CSP has no directive against that, which is why custom JavaScript is an audited,
 * role-restricted setting.)
 */
export function contentSecurityPolicy(nonce: string, dev = false, pathname = ""): string {
  return [
    "default-src 'self'",
    // Next's dev server evaluates modules with eval(); production never needs it.
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline styles come from React style props, Radix and the diff viewer's emotion sheets; a
    // nonce here would make browsers ignore 'unsafe-inline'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // The diff viewer computes diffs in a worker it creates from a blob: URL.
    "worker-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${framedBySameOrigin(pathname) ? "'self'" : "'none'"}`,
  ].join("; ");
}

/**
 * Pages the app frames itself: the branding draft's preview, shown beside the editors on the
 * Branding page. Same origin only, and no other page: framing is how clickjacking starts.
 */
const SAME_ORIGIN_FRAMED = new Set(["/branding-preview"]);

/** Whether the page at `pathname` may be framed by this origin (all others by none). */
export const framedBySameOrigin = (pathname: string) => SAME_ORIGIN_FRAMED.has(pathname);

/** A fresh, unguessable nonce for one response. */
export function newNonce(): string {
  return btoa(crypto.randomUUID());
}

/** The request header the proxy passes the nonce to server components in. */
export const NONCE_HEADER = "x-nonce";

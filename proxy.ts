import { NextResponse, type NextRequest } from "next/server";
import { ACTION_BODY_LIMIT_BYTES } from "@/lib/http/action-body-limit";
import { contentSecurityPolicy, newNonce, NONCE_HEADER } from "@/lib/http/csp";

/**
 * Two jobs, both without reading the session: every page gets a per-request CSP nonce (Next
 * reads it from the request's policy header and puts it on its own scripts), and a visitor
 * without a session cookie is sent to /login. (Also: a server action's oversized body is refused.) It writes no cookie (a proxy that refreshed the
 * session could re-issue it while sign-out clears it). Every page, action and API handler
 * checks the session and role again on the server.
 */
const PUBLIC_PATHS = [
  /^\/login(\/|$)/,
  /^\/set-password(\/|$)/,
  /^\/api\/auth\//,
  /^\/portal-assets\//,
];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/**
 * A server action's body over the limit, refused by its declared length before anything reads
 * it. Next refuses it too, but answers 500 (its 413 is thrown as an error); a body without a
 * length (chunked, which browsers do not send for forms) is still left to Next's own check.
 */
function actionBodyTooLarge(req: NextRequest): Response | null {
  if (req.method !== "POST" || !req.headers.has("next-action")) return null;
  const length = Number(req.headers.get("content-length") ?? "0");
  if (!(length > ACTION_BODY_LIMIT_BYTES)) return null;
  return new Response(
    `The request is ${Math.ceil(length / 1024)} KB; the limit is ${ACTION_BODY_LIMIT_BYTES / 1024} KB.`,
    { status: 413, headers: { "content-type": "text/plain; charset=utf-8" } },
  );
}

export default function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const tooLarge = actionBodyTooLarge(req);
  if (tooLarge) return tooLarge;
  const signedIn = SESSION_COOKIES.some((name) => req.cookies.has(name));
  if (!signedIn && !PUBLIC_PATHS.some((p) => p.test(pathname))) {
    const login = new URL("/login", req.nextUrl);
    if (pathname !== "/") login.searchParams.set("callbackUrl", pathname + search);
    return NextResponse.redirect(login);
  }
  // Hashed images and custom code set their own headers (an SVG's sandbox policy among them).
  if (pathname.startsWith("/portal-assets/")) return NextResponse.next();
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development", pathname);
  const headers = new Headers(req.headers);
  headers.set(NONCE_HEADER, nonce);
  headers.set("content-security-policy", policy);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", policy);
  return res;
}

export const config = {
  // Every path but Next's own static files (a page must not escape the policy or the sign-in
  // redirect by ending in ".js") and the REST API, which signs in with a key on every request
  // and answers JSON, no page: a nonce and a policy there would be work for nothing.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/v1/).*)"],
};

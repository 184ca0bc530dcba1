import { NextResponse, type NextRequest } from "next/server";

/**
 * Redirects only: a visitor without a session cookie goes to /login. It reads no session and
 * writes no cookie (a proxy that refreshed the session could re-issue it while sign-out clears
 * it). Every page, action and API handler checks the session and role again on the server.
 */
const PUBLIC_PATHS = [
  /^\/login(\/|$)/,
  /^\/set-password(\/|$)/,
  /^\/api\/auth\//,
  /^\/api\/v1\//,
  /^\/portal-assets\//,
];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export default function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC_PATHS.some((p) => p.test(pathname))) return NextResponse.next();
  if (SESSION_COOKIES.some((name) => req.cookies.has(name))) return NextResponse.next();
  const login = new URL("/login", req.nextUrl);
  if (pathname !== "/") login.searchParams.set("callbackUrl", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|jpg|svg|ico|css|js)$).*)"],
};

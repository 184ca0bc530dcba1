import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/lib/auth/auth.config";

/**
 * Redirects only: unauthenticated visitors go to /login. Every page, action and API handler
 * checks the role again on the server; this is a convenience, not a guard.
 */
const { auth } = NextAuth(authConfig);

const PUBLIC_PATHS = [/^\/login(\/|$)/, /^\/api\/auth\//, /^\/api\/v1\//, /^\/portal-assets\//];

export default auth((req) => {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC_PATHS.some((p) => p.test(pathname)) || req.auth) return NextResponse.next();
  const login = new URL("/login", req.nextUrl);
  if (pathname !== "/") login.searchParams.set("callbackUrl", pathname + search);
  return NextResponse.redirect(login);
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|jpg|svg|ico|css|js)$).*)"],
};

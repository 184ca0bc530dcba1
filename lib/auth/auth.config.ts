import type { NextAuthConfig } from "next-auth";
import { readConfig } from "@/lib/config";

/**
 * The part of the Auth.js configuration that needs no database. The cookie is a signed token
 * naming the user and their session row; whether that session is still open is checked against
 * the database on every request (lib/auth/session.ts), not here.
 */
export const authConfig = {
  trustHost: true,
  // Auth.js's cookies are already HttpOnly and SameSite=Lax (a cross-site POST or subresource
  // never carries the session; a link followed from an email still arrives signed in), and
  // Secure, with the __Secure- prefix, when the request's URL is https — which behind a TLS
  // proxy it learns only from X-Forwarded-Proto. An https APP_URL says the app is served over
  // HTTPS whatever the proxy forwards, so the cookie is Secure then too; otherwise Auth.js
  // decides per request, so plain http://localhost still signs in (e2e/security-headers.spec.ts).
  useSecureCookies: readConfig().APP_URL?.startsWith("https://") ? true : undefined,
  pages: { signIn: "/login" },
  // The cookie lives no longer than the session row may (SESSION_MAX_AGE_HOURS).
  session: { strategy: "jwt", maxAge: readConfig().SESSION_MAX_AGE_HOURS * 60 * 60 },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.accountId = user.accountId ?? null;
        token.sid = user.sessionId;
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid && token.role) {
        session.user.id = token.uid;
        session.user.role = token.role;
        session.user.accountId = token.accountId ?? null;
        session.sessionId = token.sid;
      }
      return session;
    },
  },
} satisfies NextAuthConfig;

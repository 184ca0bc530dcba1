import type { NextAuthConfig } from "next-auth";

/**
 * The part of the Auth.js configuration that needs no database, shared by the proxy (redirects
 * only) and the full configuration in auth.ts.
 */
export const authConfig = {
  trustHost: true,
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.accountId = user.accountId ?? null;
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid && token.role) {
        session.user.id = token.uid;
        session.user.role = token.role;
        session.user.accountId = token.accountId ?? null;
      }
      return session;
    },
  },
} satisfies NextAuthConfig;

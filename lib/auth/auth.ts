import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { requestContextFrom } from "@/lib/http/request-context";
import { authConfig } from "./auth.config";
import { completeSecondFactor } from "@/lib/totp/sign-in";
import { authenticate, type AuthResult } from "./authenticate";
import { checkSession, endSession } from "./user-sessions";

/** Too many failures for this email and address: the sign-in page says so instead of "invalid". */
class ThrottledSignin extends CredentialsSignin {
  code = "throttled";
}

/**
 * The password was right and a second factor is due: no session. The sign-in action keeps the
 * ticket in a short-lived cookie for the code step (app/(auth)/login/actions.ts).
 */
export class SecondFactorRequired extends CredentialsSignin {
  code = "second_factor";
  constructor(readonly ticket: string) {
    super();
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  callbacks: {
    ...authConfig.callbacks,
    // Every read of the session (auth() in pages, actions and handlers, and /api/auth/session)
    // asks the database whether the cookie's session is still open: an ended copy gets nothing.
    async jwt(params) {
      const token = authConfig.callbacks.jwt(params);
      if (params.user) return token; // signing in: the session row was opened just now
      const userId = Number(token.uid);
      if (!Number.isSafeInteger(userId)) return null;
      return (await checkSession(await getDb(), token.sid, userId)) ? token : null;
    },
  },
  logger: {
    // A wrong password is an expected outcome, already written to the audit log: no stack trace.
    error(error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      console.error(error);
    },
  },
  events: {
    // Sign-out ends the session row, so every copy of the cookie stops working, not only the
    // one the browser deletes. (The sign-out action ends it first; this covers /api/auth/signout.)
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (sid) await endSession(await getDb(), sid, "signed_out");
    },
  },
  providers: [
    Credentials({
      // Two steps through one provider: email and password (with the remembered-device token the
      // browser has, if any), then the step's ticket and a code (lib/totp/sign-in.ts).
      credentials: { email: {}, password: {}, device: {}, ticket: {}, code: {}, rememberToken: {} },
      async authorize(credentials, request) {
        const db = await getDb();
        const req = requestContextFrom(request.headers);
        const result: AuthResult =
          typeof credentials.ticket === "string" && credentials.ticket !== ""
            ? await completeSecondFactor(db, credentials, req)
            : await authenticate(db, credentials, req, { rememberedDevice: credentials.device });
        if (result.ok) {
          const { user } = result;
          return {
            id: String(user.id),
            email: user.email,
            name: user.name,
            role: user.role,
            accountId: user.accountId,
            sessionId: result.sessionId,
          };
        }
        if (result.reason === "second_factor") throw new SecondFactorRequired(result.ticket);
        if (result.reason === "throttled") throw new ThrottledSignin();
        return null;
      },
    }),
  ],
});

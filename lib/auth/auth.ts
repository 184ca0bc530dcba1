import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { requestContextFrom } from "@/lib/http/request-context";
import { authConfig } from "./auth.config";
import { authenticate } from "./authenticate";

/** Too many failures for this email and address: the sign-in page says so instead of "invalid". */
export class ThrottledSignin extends CredentialsSignin {
  code = "throttled";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  logger: {
    // A wrong password is an expected outcome, already written to the audit log: no stack trace.
    error(error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const result = await authenticate(
          await getDb(),
          credentials,
          requestContextFrom(request.headers),
        );
        if (result.ok) {
          const { user } = result;
          return {
            id: String(user.id),
            email: user.email,
            name: user.name,
            role: user.role,
            accountId: user.accountId,
          };
        }
        if (result.reason === "throttled") throw new ThrottledSignin();
        return null;
      },
    }),
  ],
});

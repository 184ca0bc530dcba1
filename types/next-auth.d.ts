import type { UserRole } from "@/db/schema";

declare module "next-auth" {
  interface User {
    role?: UserRole;
    accountId?: number | null;
    /** The user_sessions row opened by this sign-in. */
    sessionId?: string;
  }
  interface Session {
    /** The user_sessions row the cookie names; checked against the database on every request. */
    sessionId?: string;
    user: {
      id: string;
      name: string;
      email: string;
      role: UserRole;
      accountId: number | null;
    };
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    uid?: string;
    role?: UserRole;
    accountId?: number | null;
    sid?: string;
  }
}

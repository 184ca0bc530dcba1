import type { UserRole } from "@/db/schema";

declare module "next-auth" {
  interface User {
    role?: UserRole;
    accountId?: number | null;
  }
  interface Session {
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
  }
}

import type { Db } from "@/db/client";
import { accounts, users, type AccountType, type UserRole } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword } from "@/lib/auth/password";

/**
 * Per-test records, created through the audited core like every other write. Named insertTest…
 * so that they never read as, or shadow, the domain functions (lib/accounts/create-account.ts).
 */
let counter = 0;
const unique = (prefix: string) => `${prefix} ${process.pid}-${++counter}`;

export async function insertTestAccount(
  db: Db,
  type: AccountType = "customer",
  name = unique("Account"),
) {
  const { after } = await auditedMutation(db, systemActor("test"), {
    table: "accounts",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx.insert(accounts).values({ type, name }).returning({ id: accounts.id });
      return row!.id;
    },
  });
  return after!;
}

export async function insertTestUser(
  db: Db,
  options: {
    role?: UserRole;
    accountId?: number | null;
    password?: string;
    status?: "active" | "disabled";
  } = {},
) {
  const email = `${unique("user").replace(/\W+/g, "-")}@example.test`;
  const passwordHash = await hashPassword(options.password ?? "correct horse battery");
  const { after } = await auditedMutation(db, systemActor("test"), {
    table: "users",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          email,
          name: unique("Test User"),
          role: options.role ?? "support",
          accountId: options.accountId ?? null,
          status: options.status ?? "active",
          passwordHash,
        })
        .returning({ id: users.id });
      return row!.id;
    },
  });
  return after!;
}

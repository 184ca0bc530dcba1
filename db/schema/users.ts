import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  index,
} from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps, version } from "./columns";
import { actorType, userRole, userStatus } from "./enums";

/** Staff users and portal users (a customer's or carrier's contacts); portal roles need an account. */
export const users = pgTable(
  "users",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull(),
    accountId: bigint({ mode: "number" }).references(() => accounts.id, { onDelete: "restrict" }),
    status: userStatus().notNull().default("invited"),
    // Who disabled the user (staff or the account's own portal admin): a permission decision
    // (the portal may undo only its own), so it lives on the row, not in the audit log.
    disabledBy: actorType(),
    // A customer's own administrator: manages the account's portal users and contact details.
    portalAdmin: boolean().notNull().default(false),
    passwordHash: text(),
    // Single-use invitation / password-reset token (hash only) and its expiry.
    passwordTokenHash: text(),
    passwordTokenExpiresAt: timestamp({ withTimezone: true }),
    // The TOTP second factor (lib/totp): the base32 secret, and when it was confirmed with a code.
    // A secret without enabled_at never exists: enrolment writes both at once.
    totpSecret: text(),
    totpEnabledAt: timestamp({ withTimezone: true }),
    timeZone: text().notNull().default("UTC"),
    // No sign-in time here: a sign-in is not an edit of the user (it would bump the version and
    // make an open form stale). Sign-ins are rows of user_sessions.
    ...version,
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    // portal users of one account
    index("users_account_idx").on(t.accountId),
    check(
      "users_portal_role_has_account",
      sql`(${t.role} in ('customer', 'carrier')) = (${t.accountId} is not null)`,
    ),
    // Only an account's own user can administer its portal; staff never carry the flag.
    check(
      "users_portal_admin_has_account",
      sql`not ${t.portalAdmin} or ${t.accountId} is not null`,
    ),
  ],
);

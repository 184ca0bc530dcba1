import { bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * A user's single-use recovery codes for the TOTP second factor, as SHA-256 hashes of
 * high-entropy codes (shown once). Not audited: issuing them is part of the audited enrolment
 * (an UPDATE of users) and using one writes a LOGIN entry.
 */
export const userRecoveryCodes = pgTable(
  "user_recovery_codes",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: bigint({ mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("user_recovery_codes_user_hash_key").on(t.userId, t.codeHash)],
);

/**
 * Devices a user chose to remember after the second factor: the cookie carries a random token,
 * this row its hash. Not audited (like user_sessions): the sign-in that created it has its entry.
 */
export const userRememberedDevices = pgTable(
  "user_remembered_devices",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: bigint({ mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("user_remembered_devices_token_key").on(t.tokenHash),
    index("user_remembered_devices_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * The last TOTP time step a user signed in with: a code is accepted once, so one seen over a
 * shoulder or in a proxy log cannot be replayed within its window. Not audited (bookkeeping of
 * the sign-in, which has its LOGIN entry); a row per user, kept off the audited users row.
 */
export const userTotpSteps = pgTable("user_totp_steps", {
  userId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  lastStep: bigint({ mode: "number" }).notNull(),
});

import { bigint, inet, index, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps, version } from "./columns";

/** Operator settings (audit comment required, admin 2FA required, …), one row per key. */
export const appSettings = pgTable("app_settings", {
  key: text().primaryKey(),
  value: jsonb().$type<unknown>().notNull(),
  ...version,
  ...timestamps,
});

// second_factor: the password was right and the code step was asked for. Neither a failure (it
// does not count toward the lock) nor a success (it does not reset the count, so a stolen
// password cannot be used to clear the failures of guessed codes).
export const LOGIN_OUTCOMES = [
  "success",
  "invalid",
  "throttled",
  "disabled",
  "second_factor",
] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];
export const loginOutcome = pgEnum("login_outcome", LOGIN_OUTCOMES);

/**
 * Sign-in attempts, kept for throttling by email-and-IP and by IP. Not audited itself: every
 * attempt also writes a LOGIN entry to the audit log.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    email: text().notNull(),
    ip: inet(),
    outcome: loginOutcome().notNull(),
    attemptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // failures of one email from one IP in the throttle window
    index("login_attempts_email_ip_idx").on(t.email, t.ip, t.attemptedAt),
    // failures from one IP in the throttle window
    index("login_attempts_ip_idx").on(t.ip, t.attemptedAt),
  ],
);

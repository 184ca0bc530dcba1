import { bigint, index, inet, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sessionEndReason } from "./enums";
import { users } from "./users";

/**
 * Sign-in sessions, one per successful sign-in; the signed session cookie carries the row's id
 * and every request checks the row is still open. Not audited: the sign-in itself is a LOGIN
 * entry, and the changes that end sessions (password, status, role) have their own entries.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    // Random, not a sequence: an id seen in a log says nothing about other sessions.
    id: uuid().primaryKey().defaultRandom(),
    userId: bigint({ mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // Moved forward at most once a minute, so the idle timeout costs no write per request.
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ip: inet(),
    userAgent: text(),
    endedAt: timestamp({ withTimezone: true }),
    endReason: sessionEndReason(),
  },
  (t) => [
    // a user's sessions: the profile's list, ending them all, and "last sign-in" (max created_at)
    index("user_sessions_user_idx").on(t.userId, t.createdAt),
  ],
);

export type UserSession = typeof userSessions.$inferSelect;

import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps, version } from "./columns";
import { users } from "./users";

export const WATCH_CHANNELS = ["email", "webhook"] as const;
export type WatchChannel = (typeof WATCH_CHANNELS)[number];

/**
 * A saved audit search whose new matching entries notify its owner (lib/watches/). Audited: who
 * watches what, and where it is sent, is itself a change worth a trail. `accountId` is the
 * owner's account for portal users, so their entries are in that account's log.
 */
export const watches = pgTable(
  "watches",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    ownerUserId: bigint({ mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    accountId: bigint({ mode: "number" }).references(() => accounts.id, { onDelete: "restrict" }),
    name: text().notNull(),
    /** The audit page's search language, as the owner would type it. */
    query: text().notNull(),
    channel: text({ enum: WATCH_CHANNELS }).notNull(),
    webhookUrl: text(),
    /** Signs webhook bodies (HMAC-SHA256); never shown again after it is set. */
    webhookSecret: text(),
    active: boolean().notNull().default(true),
    /** The newest entry when the watch was created: only later entries notify. */
    startAfterId: bigint({ mode: "number" }).notNull().default(0),
    ...version,
    ...timestamps,
  },
  (t) => [
    index("watches_owner_idx").on(t.ownerUserId),
    check(
      "watches_webhook_target",
      sql`(${t.channel} = 'webhook') = (${t.webhookUrl} is not null and ${t.webhookSecret} is not null)`,
    ),
  ],
);

/**
 * The notifier's bookkeeping per watch, kept out of the audited row so that each round's
 * progress is not a change (it would write an entry every 20 seconds per watch).
 */
export const watchState = pgTable("watch_state", {
  watchId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => watches.id, { onDelete: "cascade" }),
  /** Every matching entry up to this id has been notified (or found hidden, or none matched). */
  lastNotifiedId: bigint({ mode: "number" }).notNull(),
  lastNotifiedAt: timestamp({ withTimezone: true }),
  lastError: text(),
  failures: integer().notNull().default(0),
  /** After a failure, the next round before which the watch is not tried again. */
  nextAttemptAt: timestamp({ withTimezone: true }),
  /** A webhook being posted by one instance: the others leave the watch alone until then. */
  leasedUntil: timestamp({ withTimezone: true }),
});

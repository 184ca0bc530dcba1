import {
  bigint,
  boolean,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { timestamps, version } from "./columns";

export const AUDIT_STREAM_KINDS = ["webhook", "syslog", "file"] as const;
export type AuditStreamKind = (typeof AUDIT_STREAM_KINDS)[number];
export const auditStreamKind = pgEnum("audit_stream_kind", AUDIT_STREAM_KINDS);

/**
 * Where the audit log is streamed (lib/audit/stream/): a SIEM's HTTPS webhook, a syslog
 * collector, or an NDJSON file for a log shipper. Audited: who added, paused or repointed a
 * destination is itself in the log. `target` holds the kind's settings (validated by
 * lib/audit/stream/destination-schema.ts); `secret` signs webhook requests and is redacted from
 * entries.
 */
export const auditStreamDestinations = pgTable("audit_stream_destinations", {
  id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  name: text().notNull(),
  kind: auditStreamKind().notNull(),
  target: jsonb().$type<Record<string, unknown>>().notNull(),
  secret: text(),
  enabled: boolean().notNull().default(true),
  ...version,
  ...timestamps,
});

/**
 * Each destination's delivery progress, written by the worker after every batch. Not audited
 * (an entry per batch would itself be streamed, for ever); replays, which move the cursor back,
 * are recorded as events in the same transaction.
 */
export const auditStreamState = pgTable("audit_stream_state", {
  destinationId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => auditStreamDestinations.id, { onDelete: "cascade" }),
  deliveredThrough: bigint({ mode: "number" }).notNull().default(0),
  lastDeliveredAt: timestamp({ withTimezone: true }),
  lastError: text(),
  lastErrorAt: timestamp({ withTimezone: true }),
  attempts: integer().notNull().default(0),
  nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The outbox: one row per audit entry, inserted by a trigger on audit_log in the entry's own
 * transaction, so an entry exists exactly when its row does. Rows every enabled destination has
 * delivered are pruned.
 */
export const auditOutbox = pgTable("audit_outbox", {
  entryId: bigint({ mode: "number" }).primaryKey(),
});

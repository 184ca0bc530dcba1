import { sql } from "drizzle-orm";
import { bigint, index, inet, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { actorType, auditAction, channel } from "./enums";

/**
 * The audit log: one row per change, written by lib/audit in the change's own transaction.
 * Append-only: triggers (migration 0002) refuse UPDATE, DELETE and TRUNCATE.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    // Drawn under the sealing horizon's shared lock (migration 0013, lib/audit/chain/seal.ts).
    id: bigint({ mode: "number" })
      .primaryKey()
      .default(sql`trunkline_audit_next_id()`),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorType: actorType().notNull(),
    actorUserId: bigint({ mode: "number" }),
    // What the User column shows: a staff name, "Portal", or "owner · key name" for the API.
    actorLabel: text().notNull(),
    // Who exactly, when the label does not say it (the portal user behind "Portal").
    actorDetail: text(),
    apiKeyId: bigint({ mode: "number" }),
    ip: inet(),
    userAgent: text(),
    channel: channel().notNull(),
    requestId: text(),
    action: auditAction().notNull(),
    tableName: text().notNull(),
    recordPk: text(),
    accountId: bigint({ mode: "number" }),
    ingressId: bigint({ mode: "number" }),
    relatedIds: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    message: text().notNull(),
    comment: text(),
    before: jsonb().$type<Record<string, unknown>>(),
    after: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [
    // the page's default: newest first, keyset on (occurred_at, id)
    index("audit_log_occurred_idx").on(t.occurredAt.desc(), t.id.desc()),
    // account: qualifier and every portal user's scoped view
    index("audit_log_account_idx").on(t.accountId, t.occurredAt.desc(), t.id.desc()),
    // table: filter (with action narrowed in the heap) and the branding role's scope
    index("audit_log_table_idx").on(t.tableName, t.occurredAt.desc(), t.id.desc()),
    // sort and filter by User
    index("audit_log_actor_idx").on(t.actorLabel, t.occurredAt.desc(), t.id.desc()),
    // pk: qualifier and one record's History tab
    index("audit_log_record_idx").on(t.recordPk, t.occurredAt.desc(), t.id.desc()),
    // ingress: qualifier
    index("audit_log_ingress_idx")
      .on(t.ingressId, t.occurredAt.desc(), t.id.desc())
      .where(sql`${t.ingressId} is not null`),
    // free-text search over related ids ("user:7", "api_key:3")
    index("audit_log_related_idx").using("gin", t.relatedIds),
    // free-text search in the message
    index("audit_log_message_trgm_idx").using("gin", t.message.op("gin_trgm_ops")),
    // free text and user: over who did it (label, and the portal user behind "Portal")
    index("audit_log_actor_label_trgm_idx").using("gin", t.actorLabel.op("gin_trgm_ops")),
    index("audit_log_actor_detail_trgm_idx").using("gin", t.actorDetail.op("gin_trgm_ops")),
    // ip: equality and CIDR containment (btree serves <<= through the inet prefix range), and
    // sort by IP
    index("audit_log_ip_idx").on(t.ip, t.occurredAt.desc(), t.id.desc()),
    // sort by Action (no filter index: nine values are not selective)
    index("audit_log_action_sort_idx").on(t.action, t.occurredAt.desc(), t.id.desc()),
    // sort by Message (its first 100 characters)
    index("audit_log_message_sort_idx").on(
      sql`left(${t.message}, 100)`,
      t.occurredAt.desc(),
      t.id.desc(),
    ),
  ],
);

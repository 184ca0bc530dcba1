import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * The tamper-evidence chain over audit_log (lib/audit/chain/): one link per sealed entry, in id
 * order. `entry_hash` is SHA-256 of the entry's canonical encoding (every stored column but the
 * id, SQL function trunkline_audit_entry_hash), `chain_hash` is SHA-256 of the previous link's
 * chain_hash, the entry id and entry_hash (lib/audit/chain/links.ts). Written by the sealer only;
 * append-only like the log itself.
 */
export const auditChain = pgTable("audit_chain", {
  entryId: bigint({ mode: "number" }).primaryKey(),
  entryHash: text().notNull(),
  chainHash: text().notNull(),
  sealedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Where retention cut the log: entries up to `lastRemovedId` are gone, and the chain resumes from
 * `anchorHash` (the chain hash of that last removed entry), so what remains still verifies.
 */
export const auditRetentionCuts = pgTable("audit_retention_cuts", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  lastRemovedId: bigint({ mode: "number" }).notNull(),
  anchorHash: text().notNull(),
  removedEntries: bigint({ mode: "number" }).notNull(),
  removedBefore: timestamp({ withTimezone: true }).notNull(),
  cutAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Each run of the verification (Control Panel or `npm run audit:verify`), newest shown. */
export const auditVerifications = pgTable(
  "audit_verifications",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ok: boolean().notNull(),
    checkedEntries: integer().notNull(),
    unsealedEntries: integer().notNull(),
    sealedHeadId: bigint({ mode: "number" }),
    checkpointLastId: bigint({ mode: "number" }),
    problems: jsonb().$type<unknown[]>().notNull(),
    requestedBy: text().notNull(),
  },
  (t) => [index("audit_verifications_finished_idx").on(t.finishedAt.desc())],
);

import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";

/**
 * One audit entry as a destination receives it: every column as the log stores it (secrets were
 * redacted by the core before the entry was written), plus its content hash and, once sealed,
 * its chain hash, so a SIEM can check entries against the chain's checkpoints.
 */
export type StreamEntry = {
  id: number;
  occurredAt: string;
  actorType: string;
  actorUserId: number | null;
  actorLabel: string;
  actorDetail: string | null;
  apiKeyId: number | null;
  ip: string | null;
  userAgent: string | null;
  channel: string;
  requestId: string | null;
  action: string;
  tableName: string;
  recordPk: string | null;
  accountId: number | null;
  ingressId: number | null;
  relatedIds: string[];
  message: string;
  comment: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  entryHash: string;
  chainHash: string | null;
};

type Raw = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/**
 * Queued entries after `after`, up to `through` (a final horizon), in id order. Entries removed
 * by retention since they were queued are skipped (the join finds nothing).
 */
export async function readQueuedEntries(
  db: DbOrTx,
  { after, through, limit }: { after: number; through: number; limit: number },
): Promise<StreamEntry[]> {
  const rows = await queryRows<Raw>(
    db,
    sql`select a.id, to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
          a.actor_type::text, a.actor_user_id, a.actor_label, a.actor_detail, a.api_key_id,
          host(a.ip) as ip, a.user_agent, a.channel::text, a.request_id, a.action::text,
          a.table_name, a.record_pk, a.account_id, a.ingress_id, a.related_ids, a.message,
          a.comment, a.before, a.after, trunkline_audit_entry_hash(a) as entry_hash,
          c.chain_hash
        from audit_outbox o
        join audit_log a on a.id = o.entry_id
        left join audit_chain c on c.entry_id = a.id
        where o.entry_id > ${after} and o.entry_id <= ${through}
        order by o.entry_id
        limit ${limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    occurredAt: String(r.occurred_at),
    actorType: String(r.actor_type),
    actorUserId: num(r.actor_user_id),
    actorLabel: String(r.actor_label),
    actorDetail: str(r.actor_detail),
    apiKeyId: num(r.api_key_id),
    ip: str(r.ip),
    userAgent: str(r.user_agent),
    channel: String(r.channel),
    requestId: str(r.request_id),
    action: String(r.action),
    tableName: String(r.table_name),
    recordPk: str(r.record_pk),
    accountId: num(r.account_id),
    ingressId: num(r.ingress_id),
    relatedIds: Array.isArray(r.related_ids) ? r.related_ids.map(String) : [],
    message: String(r.message),
    comment: str(r.comment),
    before: (r.before as Record<string, unknown> | null) ?? null,
    after: (r.after as Record<string, unknown> | null) ?? null,
    entryHash: String(r.entry_hash),
    chainHash: str(r.chain_hash),
  }));
}

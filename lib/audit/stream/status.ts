import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { describeTarget, parseStoredTarget, type StreamTarget } from "./target";

export type StreamDestinationStatus = {
  id: number;
  name: string;
  kind: string;
  target: string;
  /** The form's values (never the secret). */
  fields: Record<string, string>;
  hasSecret: boolean;
  enabled: boolean;
  version: number;
  deliveredThrough: number;
  lastDeliveredAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  attempts: number;
  nextAttemptAt: Date;
  /** Entries after the cursor, counted up to LAG_COUNT_LIMIT. */
  behind: number;
  oldestUndeliveredAt: Date | null;
};

export const LAG_COUNT_LIMIT = 100_000;

type Raw = {
  id: string | number;
  name: string;
  kind: string;
  target: unknown;
  has_secret: boolean;
  enabled: boolean;
  version: number;
  delivered_through: string | number;
  last_delivered_at: Date | string | null;
  last_error: string | null;
  last_error_at: Date | string | null;
  attempts: number;
  next_attempt_at: Date | string;
  behind: string | number;
  oldest: Date | string | null;
};

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

function formFields(t: StreamTarget, name: string): Record<string, string> {
  if (t.kind === "webhook") {
    return { name, kind: t.kind, url: t.target.url, batchSize: String(t.target.batchSize) };
  }
  if (t.kind === "syslog") {
    return {
      name,
      kind: t.kind,
      host: t.target.host,
      port: String(t.target.port),
      transport: t.target.transport,
    };
  }
  return { name, kind: t.kind, fileName: t.target.fileName };
}

/**
 * Every destination with its delivery state and lag, for the status page. The secret itself is
 * never read here: only whether there is one.
 */
export async function listStreamDestinations(db: DbOrTx): Promise<StreamDestinationStatus[]> {
  const rows = await queryRows<Raw>(
    db,
    sql`select d.id, d.name, d.kind::text as kind, d.target, d.secret is not null as has_secret,
          d.enabled, d.version, s.delivered_through, s.last_delivered_at, s.last_error,
          s.last_error_at, s.attempts, s.next_attempt_at,
          (select count(*) from (select 1 from audit_log a where a.id > s.delivered_through
             limit ${LAG_COUNT_LIMIT}) lag) as behind,
          (select a.occurred_at from audit_log a where a.id > s.delivered_through
             order by a.id limit 1) as oldest
        from audit_stream_destinations d
        join audit_stream_state s on s.destination_id = d.id
        order by d.name, d.id`,
  );
  return rows.map((r) => {
    const target = parseStoredTarget(r.kind, r.target);
    return {
      id: Number(r.id),
      name: r.name,
      kind: r.kind,
      target: describeTarget(target),
      fields: formFields(target, r.name),
      hasSecret: r.has_secret,
      enabled: r.enabled,
      version: Number(r.version),
      deliveredThrough: Number(r.delivered_through),
      lastDeliveredAt: date(r.last_delivered_at),
      lastError: r.last_error,
      lastErrorAt: date(r.last_error_at),
      attempts: Number(r.attempts),
      nextAttemptAt: new Date(r.next_attempt_at),
      behind: Number(r.behind),
      oldestUndeliveredAt: date(r.oldest),
    };
  });
}

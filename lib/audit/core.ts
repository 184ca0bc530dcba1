// Never in a browser bundle (the audited writes run on the server only); see db/client.ts.
import "server-only";
import { eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx, Tx } from "@/db/client";
import { auditLog, auditSignatures, type AuditAction } from "@/db/schema";
import type { ActorContext } from "./actor";
import { signEntry } from "./chain/signing";
import { describeChange } from "./messages";
import { redactPair } from "./redact";
import { AUDITED_TABLES, type AuditedTableName } from "./tables";
import { rowToJson } from "./to-json";

/**
 * The audited-mutation core: the only path that may write to an audited table. It runs the change
 * and its audit entry in one transaction, so neither exists without the other.
 */

type Row = Record<string, unknown>;
type RowOf<T extends AuditedTableName> = (typeof AUDITED_TABLES)[T]["table"]["$inferSelect"];
type Pk = number | string;

export class RecordNotFoundError extends Error {
  constructor(
    readonly table: AuditedTableName,
    readonly id: Pk,
  ) {
    super(`${table} ${String(id)} not found`);
  }
}

/** The record changed since the editor loaded it: `latest` is what it holds now. */
export class StaleRecordError extends Error {
  constructor(
    readonly table: AuditedTableName,
    readonly latest: Record<string, unknown>,
  ) {
    super(`${table} ${String(latest.id)} was changed by someone else`);
  }
}

/**
 * What `change` returns when, seeing the row as it is now (read under the lock), there is
 * nothing to write: the transaction ends with no change and no entry.
 */
export const NO_CHANGE = Symbol("no change");

export type AuditLinks = {
  accountId?: number | null;
  ingressId?: number | null;
  relatedIds?: string[];
};

export type MutationSpec<T extends AuditedTableName> = {
  table: T;
  action: AuditAction;
  /** The existing record (UPDATE, DELETE, …); omitted for a CREATE. */
  id?: Pk;
  /**
   * The version the editor saw. When the row's version differs, nothing is changed and
   * StaleRecordError carries the latest row instead of silently overwriting it.
   */
  expectedVersion?: number;
  /**
   * Applies the change inside the transaction, given the row as it was (read FOR UPDATE).
   * Returns the affected row's id when it is not `id` (a CREATE).
   */
  change: (tx: Tx, before: RowOf<T> | null) => Promise<Pk | void | typeof NO_CHANGE>;
  /** Overrides the default message built from the table's wording and the changed fields. */
  message?: (before: RowOf<T> | null, after: RowOf<T> | null) => string;
  /** Extra links for search beyond those the table derives from the row. */
  links?: AuditLinks;
};

export type MutationResult<T extends AuditedTableName> = {
  before: RowOf<T> | null;
  after: RowOf<T> | null;
  /** Null when `change` returned NO_CHANGE (`after` is then `before`). */
  auditId: number | null;
};

async function readRow(
  tx: Tx,
  table: PgTable,
  pk: Parameters<typeof eq>[0],
  id: Pk,
  lock: boolean,
) {
  const query = tx.select().from(table).where(eq(pk, id));
  const rows = (await (lock ? query.for("update") : query)) as Row[];
  return rows[0] ?? null;
}

const pkFields = new Map<AuditedTableName, string>();
function pkField(name: AuditedTableName): string {
  let field = pkFields.get(name);
  if (!field) {
    const def = AUDITED_TABLES[name];
    field = Object.entries(getTableColumns(def.table)).find(([, c]) => c === def.pk)?.[0] ?? "id";
    pkFields.set(name, field);
  }
  return field;
}

/** Allows writes to `table` for the rest of this transaction step, or to nothing when null. */
async function setAuditContext(tx: Tx, table: string | null) {
  await tx.execute(sql`select set_config('trunkline.audit_table', ${table ?? ""}, true)`);
}

export async function auditedMutation<T extends AuditedTableName>(
  db: DbOrTx,
  actor: ActorContext,
  spec: MutationSpec<T>,
): Promise<MutationResult<T>> {
  const def = AUDITED_TABLES[spec.table];
  return db.transaction(async (tx) => {
    const before =
      spec.id === undefined ? null : await readRow(tx, def.table, def.pk, spec.id, true);
    if (spec.id !== undefined && before === null) {
      throw new RecordNotFoundError(spec.table, spec.id);
    }
    if (spec.expectedVersion !== undefined && before && before.version !== spec.expectedVersion) {
      throw new StaleRecordError(spec.table, before);
    }

    await setAuditContext(tx, spec.table);
    const returned = await spec.change(tx, before as RowOf<T> | null);
    await setAuditContext(tx, null);
    if (returned === NO_CHANGE)
      return { before, after: before, auditId: null } as MutationResult<T>;

    const id = returned ?? spec.id;
    const after =
      spec.action === "DELETE" || id === undefined
        ? null
        : await readRow(tx, def.table, def.pk, id, false);
    if (spec.action !== "DELETE" && after === null) {
      throw new Error(`auditedMutation(${spec.table}, ${spec.action}): no row after the change`);
    }

    const message = spec.message
      ? spec.message(before as RowOf<T> | null, after as RowOf<T> | null)
      : describeChange(def, spec.action, before, after);
    const subject = (after ?? before) as Row;
    const auditId = await insertAuditEntry(tx, actor, {
      action: spec.action,
      tableName: spec.table,
      recordPk: String(subject[pkField(spec.table)] ?? id),
      message,
      ...redactPair(before && rowToJson(before), after && rowToJson(after), def.secretFields),
      accountId: spec.links?.accountId ?? def.accountId(subject),
      ingressId: spec.links?.ingressId ?? ("ingressId" in def ? def.ingressId(subject) : null),
      relatedIds: [
        ...("relatedIds" in def ? def.relatedIds(subject) : []),
        ...(spec.links?.relatedIds ?? []),
      ],
    });
    return { before, after, auditId } as MutationResult<T>;
  });
}

export type BulkDeleteSpec<T extends AuditedTableName> = {
  table: T;
  /** Picks the rows to delete, inside the transaction (lock them: FOR UPDATE). */
  select: (tx: Tx) => Promise<number[]>;
  message: (count: number) => string;
  /** What the entry records besides the ids removed. */
  after?: Record<string, unknown>;
};

/**
 * Deletes many rows of an audited table with one entry for them all, in one transaction:
 * retention removing thousands of old emails, where an entry per row would double what it frees.
 * The entry names every id removed; each row's content is already in the log from its own
 * entries (CREATE, SEND, …), so nothing is lost that the log had. Returns how many went.
 */
export async function auditedBulkDelete<T extends AuditedTableName>(
  db: DbOrTx,
  actor: ActorContext,
  spec: BulkDeleteSpec<T>,
): Promise<{ deleted: number; auditId: number | null }> {
  const def = AUDITED_TABLES[spec.table];
  return db.transaction(async (tx) => {
    const ids = await spec.select(tx);
    if (ids.length === 0) return { deleted: 0, auditId: null };
    await setAuditContext(tx, spec.table);
    const gone = (await tx
      .delete(def.table)
      .where(inArray(def.pk, ids))
      .returning({ id: def.pk })) as { id: Pk }[];
    await setAuditContext(tx, null);
    const removed = gone.map((r) => r.id);
    const auditId = await insertAuditEntry(tx, actor, {
      action: "DELETE",
      tableName: spec.table,
      message: spec.message(removed.length),
      after: { ...spec.after, removed: removed.length, ids: removed },
    });
    return { deleted: removed.length, auditId };
  });
}

export type AuditEvent = {
  action: AuditAction;
  tableName: string;
  recordPk?: string | null;
  message: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
} & AuditLinks;

/**
 * Records something that happened without changing an audited row: a failed sign-in, an export.
 * Pass a transaction to tie the entry to other work; it commits or rolls back with it.
 */
export async function recordAuditEvent(
  db: DbOrTx,
  actor: ActorContext,
  event: AuditEvent,
): Promise<number> {
  return db.transaction((tx) => insertAuditEntry(tx, actor, event));
}

// Through the REST API the Action column shows the HTTP verb of the request that made the change
// (the seed's "HTTP verbs for actions taken"); actions with no verb of their own (PUBLISH,
// GENERATE, GET) stay as they are. Messages keep the domain's wording ("Created account …").
const HTTP_VERB: Partial<Record<AuditAction, AuditAction>> = {
  CREATE: "POST",
  UPDATE: "PUT",
  DELETE: "DELETE",
};

const recordedAction = (action: AuditAction, actor: ActorContext): AuditAction =>
  actor.channel === "api" ? (HTTP_VERB[action] ?? action) : action;

async function insertAuditEntry(tx: Tx, actor: ActorContext, entry: AuditEvent): Promise<number> {
  const [row] = await tx
    .insert(auditLog)
    .values({
      ...(actor.at ? { occurredAt: actor.at } : {}),
      actorType: actor.type,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      actorDetail: actor.detail ?? null,
      apiKeyId: actor.apiKeyId ?? null,
      ip: actor.ip,
      userAgent: actor.userAgent,
      channel: actor.channel,
      requestId: actor.requestId,
      action: recordedAction(entry.action, actor),
      tableName: entry.tableName,
      recordPk: entry.recordPk ?? null,
      accountId: entry.accountId ?? null,
      ingressId: entry.ingressId ?? null,
      relatedIds: [...new Set(entry.relatedIds ?? [])],
      message: entry.message,
      comment: actor.comment ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
    })
    // the content hash as stored (every column, as the database encodes it) is what is signed
    .returning({ id: auditLog.id, hash: sql<string>`trunkline_audit_entry_hash(audit_log)` });
  if (!row) throw new Error("audit entry was not written");
  await tx
    .insert(auditSignatures)
    .values({ entryId: row.id, signature: signEntry(row.id, row.hash) });
  return row.id;
}

import { inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { CDR_ROW_KEYS, parseCdrRow, type CdrRow, type CdrRowError } from "./ingest-row";
import { insertCdrBatch } from "./ingest-sql";

/**
 * CDR ingest, the one bulk path for the switch's records (demo seed, bench seed, the API): every
 * row is validated before anything is written, then the rows, the daily roll-ups they feed and
 * one audit entry for the batch are written in one transaction. A batch with a bad row is
 * refused whole, with every bad row's number and reason.
 */

export const MAX_CDR_BATCH = 50_000;
/** Row errors reported at most; the message still counts them all. */
const MAX_REPORTED_ERRORS = 100;

export class CdrBatchError extends AppError {
  constructor(
    message: string,
    /** The first errors, in row order; `badRows` counts every row that had one. */
    readonly errors: CdrRowError[],
    readonly badRows: number,
  ) {
    super(
      message,
      "invalid",
      errors.length
        ? Object.fromEntries(
            groupBy(errors, (e) => `row ${e.row}`).map(([key, list]) => [
              key,
              list.map((e) => (e.field ? `${e.field} ${e.message}` : e.message)),
            ]),
          )
        : undefined,
      // For the API's 422: the switch reads the rows to fix without parsing `row N` keys.
      { badRows, rowErrors: errors },
    );
  }
}

type IngestResult = { count: number; firstId: number; lastId: number; auditId: number };

export async function ingestCdrs(
  db: DbOrTx,
  actor: ActorContext,
  rows: unknown[],
): Promise<IngestResult> {
  if (rows.length === 0) throw new CdrBatchError("The batch has no CDRs.", [], 0);
  if (rows.length > MAX_CDR_BATCH) {
    throw new CdrBatchError(
      `The batch has ${fmt(rows.length)} CDRs; send at most ${fmt(MAX_CDR_BATCH)} at a time.`,
      [],
      0,
    );
  }

  const parsed: { row: number; cdr: CdrRow }[] = [];
  const errors: CdrRowError[] = [];
  rows.forEach((raw, i) => {
    const result = parseCdrRow(raw, i + 1);
    if (result.ok) parsed.push({ row: i + 1, cdr: result.value });
    else errors.push(...result.errors);
  });
  errors.push(...(await accountErrors(db, parsed)));
  if (errors.length) {
    errors.sort((a, b) => a.row - b.row || fieldOrder(a.field) - fieldOrder(b.field));
    const badRows = new Set(errors.map((e) => e.row)).size;
    const shown = errors.slice(0, MAX_REPORTED_ERRORS);
    const first = shown
      .slice(0, 3)
      .map((e) => `row ${e.row}: ${e.field ? `${e.field} ` : ""}${e.message}`)
      .join("; ");
    throw new CdrBatchError(
      `${fmt(badRows)} of ${fmt(rows.length)} CDRs ${badRows === 1 ? "is" : "are"} invalid, ` +
        `so none was imported (${first}${errors.length > 3 ? "; …" : ""}).`,
      shown,
      badRows,
    );
  }

  const valid = parsed.map((p) => p.cdr);
  return db.transaction(async (tx) => {
    // The whole batch in one statement (one JSON parameter, ~30 MB at the limit): its roll-up
    // then takes the cdr_daily row locks in one sorted pass, so concurrent batches cannot
    // deadlock, as they could if a second chunk went back to a key below the first's last.
    const { firstId, lastId } = await insertCdrBatch(tx, valid);
    const customers = [...new Set(valid.map((r) => r.customer_id))];
    const auditId = await recordAuditEvent(tx, actor, {
      action: "CREATE",
      tableName: "cdrs",
      recordPk: String(firstId),
      message: `Imported ${fmt(valid.length)} CDR${valid.length === 1 ? "" : "s"} (ids ${fmt(firstId)}–${fmt(lastId)})`,
      after: batchSummary(valid, firstId, lastId, customers),
      accountId: customers.length === 1 ? customers[0] : null,
    });
    return { count: valid.length, firstId, lastId, auditId };
  });
}

/** What the audit entry keeps of a batch: its extent, not its rows. */
function batchSummary(rows: CdrRow[], firstId: number, lastId: number, customers: number[]) {
  let from = Infinity;
  let to = -Infinity;
  const carriers = new Set<number>();
  for (const r of rows) {
    // times may carry any offset: compare instants, not strings
    const t = Date.parse(r.dt);
    if (t < from) from = t;
    if (t > to) to = t;
    if (r.carrier_id != null) carriers.add(r.carrier_id);
  }
  return {
    count: rows.length,
    first_id: firstId,
    last_id: lastId,
    calls_from: new Date(from).toISOString(),
    calls_to: new Date(to).toISOString(),
    customers: customers.length,
    carriers: carriers.size,
  };
}

/** customer_id must name a customer account and carrier_id a carrier: one query for the batch. */
async function accountErrors(
  db: DbOrTx,
  parsed: { row: number; cdr: CdrRow }[],
): Promise<CdrRowError[]> {
  const ids = new Set<number>();
  for (const { cdr } of parsed) {
    ids.add(cdr.customer_id);
    if (cdr.carrier_id != null) ids.add(cdr.carrier_id);
  }
  if (ids.size === 0) return [];
  const found = await db
    .select({ id: accounts.id, type: accounts.type })
    .from(accounts)
    .where(inArray(accounts.id, [...ids]));
  const typeOf = new Map(found.map((a) => [a.id, a.type]));
  const errors: CdrRowError[] = [];
  const check = (
    row: number,
    field: "customer_id" | "carrier_id",
    id: number | null | undefined,
  ) => {
    if (id == null) return;
    const want = field === "customer_id" ? "customer" : "carrier";
    const type = typeOf.get(id);
    if (type === want) return;
    errors.push({
      row,
      field,
      message: type ? `${id} is a ${type} account, not a ${want}` : `no account has id ${id}`,
    });
  };
  for (const { row, cdr } of parsed) {
    check(row, "customer_id", cdr.customer_id);
    check(row, "carrier_id", cdr.carrier_id);
  }
  return errors;
}

function groupBy<T>(list: T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups];
}

const FIELD_ORDER = new Map<string, number>(CDR_ROW_KEYS.map((k, i) => [k, i]));
/** Within a row, errors in the catalogue's order (unknown keys last). */
const fieldOrder = (field: string) => FIELD_ORDER.get(field) ?? CDR_ROW_KEYS.length;

const fmt = (n: number) => n.toLocaleString("en-US");

/** The declaration the API's batch route binds (staff with `cdr:ingest`: the switch's key). */
export const ingestCdrsOperation = operation({
  schema: z.object({ rows: z.array(z.unknown()) }),
  permission: "cdr:ingest",
  audience: "staff",
  run: async ({ rows }, { db, actor }) => {
    const data = await ingestCdrs(db, actor, rows);
    return { data, message: `Imported ${fmt(data.count)} CDR${data.count === 1 ? "" : "s"}.` };
  },
});

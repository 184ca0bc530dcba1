import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/raw";
import { systemActor } from "@/lib/audit/actor";
import { CdrBatchError, ingestCdrs, ingestCdrsOperation, MAX_CDR_BATCH } from "@/lib/cdrs/ingest";
import { setUpTestDatabase } from "./db";
import { insertTestAccount } from "./factories";
import { runAs, sessionUser } from "./run-action";

const database = setUpTestDatabase();
const switchActor = systemActor("Switch");

let customerA: number;
let customerB: number;
let carrierX: number;
let carrierY: number;

beforeAll(async () => {
  customerA = (await insertTestAccount(database.db, "customer")).id;
  customerB = (await insertTestAccount(database.db, "customer")).id;
  carrierX = (await insertTestAccount(database.db, "carrier")).id;
  carrierY = (await insertTestAccount(database.db, "carrier")).id;
});

let calls = 0;
/** A connected call of 95 s on `day` (UTC), USD on both sides, unless `over` says otherwise. */
function cdr(over: Record<string, unknown> = {}, day = "2026-05-10", hour = 12) {
  const n = ++calls;
  const start = new Date(`${day}T${String(hour).padStart(2, "0")}:00:00Z`).getTime() + n * 1000;
  return {
    dt: new Date(start).toISOString(),
    answer_time: new Date(start + 3_000).toISOString(),
    end_time: new Date(start + 98_000).toISOString(),
    callid: `call-${n}@192.0.2.10`,
    callid_b: `b-${n}`,
    source_cli: "442071234567",
    source_dest_number: `999#4915112345${n % 100}`,
    dest_cli: "442071234567",
    dest_number: `4915112345${n % 100}`,
    tech_prefix: "999#",
    customer_id: customerA,
    carrier_id: carrierX,
    customer_dest_code: "49151",
    customer_dest_name: "Germany Mobile T-Mobile",
    customer_rate: 0.012,
    customer_duration: 96,
    customer_charge: 0.0192,
    customer_currency: "USD",
    carrier_dest_code: "49151",
    carrier_dest_name: "Germany Mobile",
    carrier_rate: 0.01,
    carrier_duration: 95,
    carrier_charge: 0.015833,
    carrier_currency: "USD",
    duration: 95.2,
    ring_duration: 3,
    pdd_in: 1800,
    pdd_out: 1650,
    sip_code: 200,
    sip_reason: "OK",
    source_ip: "192.0.2.10",
    dest_ip: "2001:db8::5",
    ...over,
  };
}

/** A failed attempt: no answer, nothing billed, and perhaps no carrier or breakout at all. */
const failed = (over: Record<string, unknown> = {}, day?: string, hour?: number) =>
  cdr(
    {
      answer_time: null,
      customer_duration: 0,
      customer_charge: 0,
      carrier_duration: 0,
      carrier_charge: 0,
      duration: 0,
      ring_duration: 0,
      pdd_in: null,
      pdd_out: null,
      sip_code: 503,
      sip_reason: "Service Unavailable",
      ...over,
    },
    day,
    hour,
  );

async function counts() {
  const [row] = await queryRows<{ cdrs: number; daily: number; audit: number }>(
    database.db,
    sql`select (select count(*)::int from cdrs) as cdrs,
      (select count(*)::int from cdr_daily) as daily,
      (select count(*)::int from audit_log) as audit`,
  );
  return row!;
}

async function rejection(rows: unknown[]): Promise<CdrBatchError> {
  const before = await counts();
  const error = await ingestCdrs(database.db, switchActor, rows).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CdrBatchError);
  // Nothing written: no CDR, no roll-up, no audit entry.
  expect(await counts()).toEqual(before);
  return error as CdrBatchError;
}

const KEY = sql.raw(`day, customer_id, carrier_id, customer_dest_name, carrier_dest_name,
  customer_currency, carrier_currency`);

describe("CDR ingest", () => {
  it("keeps the daily roll-ups equal to a direct aggregation over mixed batches", async () => {
    const eur = await insertTestAccount(database.db, "customer");
    const batches = [
      [
        cdr(),
        cdr({ duration: 4.5, customer_duration: 60, customer_charge: 0.012 }),
        failed(),
        failed({ carrier_id: null, carrier_dest_name: null, customer_dest_name: null }),
        cdr({ customer_id: customerB, carrier_id: carrierY }, "2026-05-11", 23),
      ],
      // The same days and keys again, and new ones (another day, a NULL breakout on a call).
      [
        cdr(),
        cdr({ customer_id: customerB, carrier_id: carrierY }, "2026-05-11", 23),
        failed({ carrier_id: null, carrier_dest_name: null, customer_dest_name: null }),
        cdr({ customer_dest_name: null, pdd_in: null }, "2026-05-12", 0),
        failed({ sip_code: 486, pdd_in: 900, pdd_out: 850 }, "2026-05-12", 1),
      ],
      // Sold in EUR, bought in USD: the switch sends the profit, converted.
      [
        cdr({ customer_id: eur.id, customer_currency: "EUR", profit: 0.0021, profit_pct: 12.5 }),
        cdr({ customer_id: eur.id, customer_currency: "EUR", profit: -0.001 }, "2026-05-11"),
        cdr(),
      ],
    ];
    for (const batch of batches) await ingestCdrs(database.db, switchActor, batch);

    const ids = [customerA, customerB, eur.id];
    const direct = await queryRows(
      database.db,
      sql`select (dt at time zone 'UTC')::date::text as day, customer_id::int,
          coalesce(carrier_id, 0)::int as carrier_id,
          coalesce(customer_dest_name, '') as customer_dest_name,
          coalesce(carrier_dest_name, '') as carrier_dest_name, customer_currency, carrier_currency,
          count(*)::int as attempts, (count(*) filter (where duration > 0))::int as connected,
          (count(*) filter (where duration > 0 and duration <= 6))::int as short_calls,
          sum(duration)::text as duration_s, sum(customer_duration)::int as customer_duration_s,
          sum(carrier_duration)::int as carrier_duration_s,
          sum(customer_charge)::text as customer_charge, sum(carrier_charge)::text as carrier_charge,
          sum(profit)::text as profit, coalesce(sum(pdd_in), 0)::int as pdd_sum_ms,
          count(pdd_in)::int as pdd_count, coalesce(sum(pdd_out), 0)::int as pdd_out_sum_ms,
          count(pdd_out)::int as pdd_out_count
        from cdrs where customer_id in ${ids}
        group by 1, 2, 3, 4, 5, 6, 7 order by ${KEY}`,
    );
    const rolled = await queryRows(
      database.db,
      sql`select day::text, customer_id::int, carrier_id::int, customer_dest_name, carrier_dest_name,
          customer_currency, carrier_currency, attempts, connected, short_calls,
          duration_s::text, customer_duration_s::int, carrier_duration_s::int,
          customer_charge::text, carrier_charge::text, profit::text, pdd_sum_ms::int, pdd_count,
          pdd_out_sum_ms::int, pdd_out_count
        from cdr_daily where customer_id in ${ids} order by ${KEY}`,
    );
    expect(rolled).toEqual(direct);
    // The batches met on shared keys: fewer roll-up rows than CDRs, and every CDR counted.
    expect(rolled.length).toBeLessThan(13);
    expect(rolled.reduce((n, r) => n + Number(r.attempts), 0)).toBe(13);
    expect(rolled.some((r) => r.carrier_id === 0 && r.customer_dest_name === "")).toBe(true);

    // The per-breakout roll-up (all accounts) equals the same aggregation by its coarser key.
    const byBreakout = sql.raw("day, customer_dest_name, customer_currency");
    const directByBreakout = await queryRows(
      database.db,
      sql`select (dt at time zone 'UTC')::date::text as day,
          coalesce(customer_dest_name, '') as customer_dest_name, customer_currency,
          count(*)::int as attempts, (count(*) filter (where duration > 0))::int as connected,
          (count(*) filter (where duration > 0 and duration <= 6))::int as short_calls,
          sum(duration)::text as duration_s, sum(customer_duration)::int as customer_duration_s,
          sum(carrier_duration)::int as carrier_duration_s,
          sum(customer_charge)::text as customer_charge, sum(profit)::text as profit,
          coalesce(sum(pdd_in), 0)::int as pdd_sum_ms, count(pdd_in)::int as pdd_count
        from cdrs group by 1, 2, 3 order by ${byBreakout}`,
    );
    const rolledByBreakout = await queryRows(
      database.db,
      sql`select day::text, customer_dest_name, customer_currency, attempts, connected,
          short_calls, duration_s::text, customer_duration_s::int, carrier_duration_s::int,
          customer_charge::text, profit::text, pdd_sum_ms::int, pdd_count
        from cdr_daily_breakout order by ${byBreakout}`,
    );
    expect(rolledByBreakout).toEqual(directByBreakout);
    expect(rolledByBreakout.length).toBeGreaterThan(2);
  });

  it("computes profit and its percentage when both sides are in one currency", async () => {
    const { firstId, lastId } = await ingestCdrs(database.db, switchActor, [
      cdr({ customer_charge: 1.5, carrier_charge: 1.2 }),
      cdr({ customer_charge: 1, carrier_charge: 1.25 }),
      failed(),
      cdr({ customer_charge: 2, carrier_charge: 1, profit: 0.75 }),
    ]);
    const rows = await queryRows<{ profit: string; profit_pct: string | null }>(
      database.db,
      sql`select profit::text, profit_pct::text from cdrs
        where id between ${firstId} and ${lastId} order by id`,
    );
    expect(rows).toEqual([
      { profit: "0.300000", profit_pct: "20.000" },
      { profit: "-0.250000", profit_pct: "-25.000" },
      { profit: "0.000000", profit_pct: null },
      // Given by the switch: kept, and its percentage worked out from it.
      { profit: "0.750000", profit_pct: "37.500" },
    ]);
  });

  it("refuses a row whose currencies differ without a profit (no FX is invented)", async () => {
    const error = await rejection([cdr(), cdr({ carrier_currency: "EUR" })]);
    expect(error.errors).toEqual([
      {
        row: 2,
        field: "profit",
        message: "is required when the currencies differ (USD sold, EUR bought)",
      },
    ]);
  });

  it("rejects a batch with one bad row whole, naming the row and the reason", async () => {
    const error = await rejection([cdr(), cdr(), cdr({ sip_code: 99 }), cdr(), cdr()]);
    expect(error.badRows).toBe(1);
    expect(error.errors).toEqual([
      { row: 3, field: "sip_code", message: expect.stringMatching(/100/) as string },
    ]);
    expect(error.message).toMatch(
      /^1 of 5 CDRs is invalid, so none was imported \(row 3: sip_code/,
    );
    expect(error.fieldErrors).toEqual({ "row 3": [expect.stringMatching(/^sip_code /)] });
  });

  it("reports every bad row of a batch, in row order", async () => {
    const { callid: _, ...noCallid } = cdr();
    const error = await rejection([
      cdr(),
      noCallid,
      cdr(),
      { ...cdr(), colour: "blue" },
      cdr({ customer_currency: "usd" }),
      cdr({ end_time: "2026-05-10T11:00:00Z" }),
      cdr({ source_ip: "300.1.2.3", duration: -1 }),
      "not a record",
      cdr({ dt: "2026-05-10 12:00:00" }),
    ]);
    expect(error.badRows).toBe(7);
    expect(error.errors.map((e) => [e.row, e.field])).toEqual([
      [2, "callid"],
      [4, "colour"],
      [5, "customer_currency"],
      [6, "end_time"],
      [7, "duration"],
      [7, "source_ip"],
      [8, ""],
      [9, "dt"],
    ]);
    expect(error.errors[0]!.message).toBe("is required");
    expect(error.errors[1]!.message).toBe("is not a CDR field");
    expect(error.errors[3]!.message).toBe("is before answer_time");
    expect(error.message).toMatch(/^7 of 9 CDRs are invalid/);
  });

  it("caps the error list but counts every bad row", async () => {
    const rows = Array.from({ length: 150 }, () => cdr({ sip_code: 7 }));
    const error = await rejection(rows);
    expect(error.badRows).toBe(150);
    expect(error.errors).toHaveLength(100);
    expect(error.message).toMatch(/^150 of 150 CDRs are invalid/);
  });

  it("refuses unknown accounts and accounts of the wrong type", async () => {
    const error = await rejection([
      cdr(),
      cdr({ customer_id: 987_654_321 }),
      cdr({ carrier_id: customerB }),
      cdr({ customer_id: carrierY }),
    ]);
    expect(error.errors).toEqual([
      { row: 2, field: "customer_id", message: "no account has id 987654321" },
      {
        row: 3,
        field: "carrier_id",
        message: `${customerB} is a customer account, not a carrier`,
      },
      {
        row: 4,
        field: "customer_id",
        message: `${carrierY} is a carrier account, not a customer`,
      },
    ]);
  });

  it("refuses an empty batch and one over the size limit", async () => {
    await expect(rejection([])).resolves.toMatchObject({ message: "The batch has no CDRs." });
    const tooMany = new Array<unknown>(MAX_CDR_BATCH + 1).fill({});
    await expect(rejection(tooMany)).resolves.toMatchObject({
      message: expect.stringMatching(/^The batch has 50,001 CDRs; send at most 50,000/) as string,
    });
  });

  it("writes one audit entry per batch, linked to the account when the batch is one customer's", async () => {
    const before = await counts();
    const one = await ingestCdrs(database.db, switchActor, [cdr(), cdr(), failed()]);
    const mixed = await ingestCdrs(database.db, switchActor, [
      cdr(),
      cdr({ customer_id: customerB }),
    ]);
    expect((await counts()).audit).toBe(before.audit + 2);
    expect(one).toMatchObject({ count: 3, lastId: one.firstId + 2 });

    const entries = await queryRows<{
      id: number;
      action: string;
      table_name: string;
      message: string;
      account_id: number | null;
      actor_label: string;
      after: Record<string, unknown>;
    }>(
      database.db,
      sql`select id::int, action::text, table_name, message, account_id::int, actor_label, after
        from audit_log where id in (${one.auditId}, ${mixed.auditId}) order by id`,
    );
    const fmt = (n: number) => n.toLocaleString("en-US");
    expect(entries).toEqual([
      {
        id: one.auditId,
        action: "CREATE",
        table_name: "cdrs",
        message: `Imported 3 CDRs (ids ${fmt(one.firstId)}–${fmt(one.lastId)})`,
        account_id: customerA,
        actor_label: "Switch",
        after: expect.objectContaining({ count: 3, first_id: one.firstId, customers: 1 }) as object,
      },
      expect.objectContaining({
        message: `Imported 2 CDRs (ids ${fmt(mixed.firstId)}–${fmt(mixed.lastId)})`,
        account_id: null,
      }),
    ]);
  });

  it("is an admin-only operation", async () => {
    const rows = [cdr()];
    for (const role of ["support", "auditor", "branding"] as const) {
      const result = await runAs(database.db, ingestCdrsOperation, sessionUser(role), { rows });
      expect(result).toEqual({ status: "error", error: "Your role does not allow this action." });
    }
    const portal = await runAs(
      database.db,
      ingestCdrsOperation,
      sessionUser("customer", customerA),
      {
        rows,
      },
    );
    expect(portal.status).toBe("error");

    const bad = await runAs(database.db, ingestCdrsOperation, sessionUser("admin"), {
      rows: [cdr({ sip_code: 99 })],
    });
    expect(bad).toMatchObject({ status: "error", error: expect.stringMatching(/row 1: sip_code/) });

    const ok = await runAs(database.db, ingestCdrsOperation, sessionUser("admin"), { rows });
    expect(ok).toMatchObject({ status: "ok", message: "Imported 1 CDR.", data: { count: 1 } });
  });
});

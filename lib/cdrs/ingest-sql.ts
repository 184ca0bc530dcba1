import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { CDR_ROW_KEYS, type CdrRow } from "./ingest-row";

/**
 * The insert of validated CDRs and the daily roll-ups of exactly those rows, as one statement:
 * the rows travel as one JSON parameter (the server expands it, far faster than thousands of
 * placeholders), and the roll-up aggregates the rows the insert returns, adding to the days and
 * keys already there. Profit missing from a row is revenue − cost (validation made sure both
 * are in one currency then), and its percentage is of the revenue.
 */

// The catalogue's keys are the columns' snake_case names.
const INPUT_COLUMNS = CDR_ROW_KEYS.filter((k) => k !== "profit" && k !== "profit_pct");
const INSERT_COLUMNS = sql.raw([...INPUT_COLUMNS, "profit", "profit_pct"].join(", "));
const SELECT_COLUMNS = sql.raw(INPUT_COLUMNS.map((c) => `r.${c}`).join(", "));

/** The roll-up key: one row of `cdr_daily` per day, customer, carrier, breakouts and currencies. */
const ROLL_UP_KEY = sql.raw(`day, customer_id, carrier_id, customer_dest_name, carrier_dest_name,
  customer_currency, carrier_currency`);

type InsertedBatch = { count: number; firstId: number; lastId: number };

export async function insertCdrBatch(db: DbOrTx, rows: CdrRow[]): Promise<InsertedBatch> {
  const [result] = await queryRows<{ count: number; first_id: string; last_id: string }>(
    db,
    sql`
    with inserted as (
      insert into cdrs (${INSERT_COLUMNS})
      select ${SELECT_COLUMNS}, p.profit,
        coalesce(r.profit_pct, case when r.customer_charge > 0
          and abs(p.profit * 100 / r.customer_charge) < 1000000
          then round(p.profit * 100 / r.customer_charge, 3) end)
      from json_populate_recordset(null::cdrs, ${JSON.stringify(rows)}::json) r
      cross join lateral (
        select coalesce(r.profit, r.customer_charge - r.carrier_charge) as profit) p
      returning id, dt, customer_id, carrier_id, customer_dest_name, carrier_dest_name,
        customer_currency, carrier_currency, duration, customer_duration, carrier_duration,
        customer_charge, carrier_charge, profit, pdd_in, pdd_out
    ),
    batch as (
      select (dt at time zone 'UTC')::date as day, customer_id, coalesce(carrier_id, 0) as carrier_id,
        coalesce(customer_dest_name, '') as customer_dest_name,
        coalesce(carrier_dest_name, '') as carrier_dest_name, customer_currency, carrier_currency,
        count(*) as attempts, count(*) filter (where duration > 0) as connected,
        count(*) filter (where duration > 0 and duration <= 6) as short_calls,
        sum(duration) as duration_s, sum(customer_duration) as customer_duration_s,
        sum(carrier_duration) as carrier_duration_s, sum(customer_charge) as customer_charge,
        sum(carrier_charge) as carrier_charge, sum(profit) as profit,
        coalesce(sum(pdd_in), 0) as pdd_sum_ms, count(pdd_in) as pdd_count,
        coalesce(sum(pdd_out), 0) as pdd_out_sum_ms, count(pdd_out) as pdd_out_count
      from inserted
      group by 1, 2, 3, 4, 5, 6, 7
    ),
    rolled_up as (
      insert into cdr_daily (${ROLL_UP_KEY}, attempts, connected, short_calls, duration_s,
        customer_duration_s, carrier_duration_s, customer_charge, carrier_charge, profit,
        pdd_sum_ms, pdd_count, pdd_out_sum_ms, pdd_out_count)
      select ${ROLL_UP_KEY}, attempts, connected, short_calls, duration_s, customer_duration_s,
        carrier_duration_s, customer_charge, carrier_charge, profit, pdd_sum_ms, pdd_count,
        pdd_out_sum_ms, pdd_out_count
      from batch
      -- one lock order for every batch, so two concurrent ingests cannot deadlock on a key
      order by ${ROLL_UP_KEY}
      on conflict (${ROLL_UP_KEY}) do update set
        attempts = cdr_daily.attempts + excluded.attempts,
        connected = cdr_daily.connected + excluded.connected,
        short_calls = cdr_daily.short_calls + excluded.short_calls,
        duration_s = cdr_daily.duration_s + excluded.duration_s,
        customer_duration_s = cdr_daily.customer_duration_s + excluded.customer_duration_s,
        carrier_duration_s = cdr_daily.carrier_duration_s + excluded.carrier_duration_s,
        customer_charge = cdr_daily.customer_charge + excluded.customer_charge,
        carrier_charge = cdr_daily.carrier_charge + excluded.carrier_charge,
        profit = cdr_daily.profit + excluded.profit,
        pdd_sum_ms = cdr_daily.pdd_sum_ms + excluded.pdd_sum_ms,
        pdd_count = cdr_daily.pdd_count + excluded.pdd_count,
        pdd_out_sum_ms = cdr_daily.pdd_out_sum_ms + excluded.pdd_out_sum_ms,
        pdd_out_count = cdr_daily.pdd_out_count + excluded.pdd_out_count
      returning 1
    ),
    rolled_up_by_breakout as (
      insert into cdr_daily_breakout (day, customer_dest_name, customer_currency, attempts,
        connected, short_calls, duration_s, customer_duration_s, carrier_duration_s,
        customer_charge, profit, pdd_sum_ms, pdd_count)
      select day, customer_dest_name, customer_currency, sum(attempts), sum(connected),
        sum(short_calls), sum(duration_s), sum(customer_duration_s), sum(carrier_duration_s),
        sum(customer_charge), sum(profit), sum(pdd_sum_ms), sum(pdd_count)
      from batch
      group by 1, 2, 3
      order by 1, 2, 3
      on conflict (day, customer_dest_name, customer_currency) do update set
        attempts = cdr_daily_breakout.attempts + excluded.attempts,
        connected = cdr_daily_breakout.connected + excluded.connected,
        short_calls = cdr_daily_breakout.short_calls + excluded.short_calls,
        duration_s = cdr_daily_breakout.duration_s + excluded.duration_s,
        customer_duration_s = cdr_daily_breakout.customer_duration_s + excluded.customer_duration_s,
        carrier_duration_s = cdr_daily_breakout.carrier_duration_s + excluded.carrier_duration_s,
        customer_charge = cdr_daily_breakout.customer_charge + excluded.customer_charge,
        profit = cdr_daily_breakout.profit + excluded.profit,
        pdd_sum_ms = cdr_daily_breakout.pdd_sum_ms + excluded.pdd_sum_ms,
        pdd_count = cdr_daily_breakout.pdd_count + excluded.pdd_count
      returning 1
    )
    select count(*)::int as count, min(id)::text as first_id, max(id)::text as last_id
    from inserted`,
  );
  return {
    count: result!.count,
    firstId: Number(result!.first_id),
    lastId: Number(result!.last_id),
  };
}

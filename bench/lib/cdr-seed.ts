import os from "node:os";
import { like, sql } from "drizzle-orm";
import postgres from "postgres";
import { openPostgres, type Db } from "@/db/client";
import { accounts } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { parseCdrRow } from "@/lib/cdrs/ingest-row";
import { ingestCdrs } from "@/lib/cdrs/ingest";
import {
  CARRIER_PREFIX,
  CDR_DAYS,
  CUSTOMER_PREFIX,
  CdrDataset,
  cdrBatchSize,
  cdrTotal,
  plannedAccounts,
  type BenchAccount,
} from "./cdr-dataset";
import { fmtBytes, fmtInt, fmtSeconds } from "./process";

/**
 * The CDR half of `npm run bench:seed`: the dataset of cdr-dataset.ts loaded THROUGH the
 * product's ingest path (`ingestCdrs`: validation, insert, daily roll-ups, one audit entry per
 * batch), one batch after another on one connection, on a server with stock durability (fsync
 * on), so the time per batch is the ingest throughput a switch would see. Resumable: each batch
 * commits with its progress row.
 */

export type CdrSeedSummary = {
  total: number;
  batchSize: number;
  /** Batches loaded by this run, with their time inside ingestCdrs. */
  batches: { rows: number; ms: number }[];
  /** Generating the rows in JavaScript (not part of ingest). */
  generateMs: number;
  /** Validation alone (parseCdrRow over a sample of batches), per row. */
  validateUsPerRow: number | null;
  wallMs: number;
  cdrs: number;
  cdrDaily: number;
  cdrsBytes: number;
  cdrsIndexBytes: number;
  cdrDailyBytes: number;
  window: string;
  settings: Record<string, string>;
  loadBefore: number[];
};

async function ensureAccounts(
  db: Db,
): Promise<{ customers: BenchAccount[]; carriers: BenchAccount[] }> {
  const existing = async (prefix: string) =>
    (
      await db
        .select({ id: accounts.id, name: accounts.name, currency: accounts.currency })
        .from(accounts)
        .where(like(accounts.name, `${prefix} %`))
    ).sort((a, b) => a.name.localeCompare(b.name));
  const planned = plannedAccounts();
  const actor = systemActor("bench:seed");
  for (const [type, list, prefix] of [
    ["customer", planned.customers, CUSTOMER_PREFIX],
    ["carrier", planned.carriers, CARRIER_PREFIX],
  ] as const) {
    const have = new Set((await existing(prefix)).map((a) => a.name));
    for (const account of list.filter((a) => !have.has(a.name))) {
      await auditedMutation(db, actor, {
        table: "accounts",
        action: "CREATE",
        change: async (tx) => {
          const [row] = await tx
            .insert(accounts)
            .values({ type, name: account.name, currency: account.currency })
            .returning({ id: accounts.id });
          return row!.id;
        },
      });
    }
  }
  return { customers: await existing(CUSTOMER_PREFIX), carriers: await existing(CARRIER_PREFIX) };
}

export async function seedCdrs(url: string): Promise<CdrSeedSummary | null> {
  const total = cdrTotal();
  const batchSize = cdrBatchSize();
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  const app = await openPostgres(url);
  try {
    await pg.unsafe(`
      create schema if not exists bench;
      create table if not exists bench.seed_meta (key text primary key, value text not null);
      create table if not exists bench.cdr_batches (batch int primary key, rows int not null,
        ms numeric not null, first_id bigint not null, last_id bigint not null,
        done_at timestamptz not null default now());
    `);
    // The 30 whole days before the first CDR seed run; kept, so a resumed load fills the same.
    await pg`insert into bench.seed_meta values ('cdr_start_at',
      (date_trunc('day', now()) - ${`${CDR_DAYS} days`}::interval)::text) on conflict do nothing`;
    await pg`insert into bench.seed_meta values ('cdr_batch_size', ${String(batchSize)})
      on conflict do nothing`;
    const [meta] = await pg<{ start: Date; size: string }[]>`
      select (select value::timestamptz from bench.seed_meta where key = 'cdr_start_at') as start,
        (select value from bench.seed_meta where key = 'cdr_batch_size') as size`;
    if (Number(meta!.size) !== batchSize) {
      throw new Error(
        `The CDRs were loaded in batches of ${meta!.size}: set BENCH_CDR_BATCH=${meta!.size} to resume.`,
      );
    }
    const { customers, carriers } = await ensureAccounts(app.db);
    const dataset = new CdrDataset(meta!.start, total, batchSize, customers, carriers);
    const done = new Set(
      (await pg<{ batch: number }[]>`select batch from bench.cdr_batches`).map((r) => r.batch),
    );
    const todo = [...Array(dataset.batches).keys()].filter((b) => !done.has(b));
    if (todo.length === 0) {
      console.log(`The ${fmtInt(total)} bench CDRs are loaded: nothing to do.`);
      return null;
    }
    const end = new Date(meta!.start.getTime() + CDR_DAYS * 86_400_000);
    console.log(
      `Ingesting ${fmtInt(total)} CDRs (${customers.length} customers, ${carriers.length} carriers) ` +
        `from ${meta!.start.toISOString().slice(0, 10)} to ${end.toISOString().slice(0, 10)} ` +
        `through ingestCdrs, ${fmtInt(todo.length)} batches of ${fmtInt(batchSize)}` +
        (done.size ? ` (${done.size} already in)` : "") +
        "…",
    );

    const loadBefore = os.loadavg();
    const actor = systemActor("Switch", { detail: "bench:seed CDR load" });
    const batches: CdrSeedSummary["batches"] = [];
    const validation: number[] = [];
    let generateMs = 0;
    const started = performance.now();
    const loadedBefore = done.size ? Math.min(total, done.size * batchSize) : 0;
    for (const [i, b] of todo.entries()) {
      const g = performance.now();
      const rows = dataset.batch(b);
      generateMs += performance.now() - g;
      // Validation on its own now and then, to show its share of the batch time.
      if (i % 10 === 0) {
        const v = performance.now();
        rows.forEach((r, n) => parseCdrRow(r, n + 1));
        validation.push(((performance.now() - v) * 1000) / rows.length);
      }
      let ms = 0;
      await app.db.transaction(async (tx) => {
        const t = performance.now();
        const result = await ingestCdrs(tx, { ...actor, requestId: crypto.randomUUID() }, rows);
        ms = performance.now() - t;
        await tx.execute(sql`insert into bench.cdr_batches (batch, rows, ms, first_id, last_id)
          values (${b}, ${result.count}, ${ms}, ${result.firstId}, ${result.lastId})`);
      });
      batches.push({ rows: rows.length, ms });
      if ((i + 1) % 25 === 0 || i === todo.length - 1) {
        const loaded = batches.reduce((s, x) => s + x.rows, 0);
        const ingestMs = batches.reduce((s, x) => s + x.ms, 0);
        console.log(
          `  ${fmtInt(loadedBefore + loaded)} / ${fmtInt(total)}: ` +
            `${fmtInt((loaded / ingestMs) * 1000)} CDRs/s in ingest, ` +
            `${fmtInt((loaded / (performance.now() - started)) * 1000)} CDRs/s overall`,
        );
      }
    }
    const wallMs = performance.now() - started;
    console.log(`  load: ${fmtSeconds(wallMs)}; vacuum analyze…`);
    await pg`vacuum (analyze) public.cdrs`;
    await pg`vacuum (analyze) public.cdr_daily`;

    const settings: Record<string, string> = {};
    for (const name of [
      "server_version",
      "shared_buffers",
      "fsync",
      "synchronous_commit",
      "wal_level",
    ]) {
      const [row] = await pg<{ v: string }[]>`select current_setting(${name}) as v`;
      settings[name] = row!.v;
    }
    const [sizes] = await pg<
      { cdrs: string; daily: string; heap: string; idx: string; daily_bytes: string }[]
    >`select (select count(*) from cdrs)::text as cdrs, (select count(*) from cdr_daily)::text as daily,
        pg_table_size('public.cdrs')::text as heap, pg_indexes_size('public.cdrs')::text as idx,
        pg_total_relation_size('public.cdr_daily')::text as daily_bytes`;
    console.log(
      `cdrs: ${fmtInt(Number(sizes!.cdrs))} rows, heap ${fmtBytes(Number(sizes!.heap))}, ` +
        `indexes ${fmtBytes(Number(sizes!.idx))}; cdr_daily: ${fmtInt(Number(sizes!.daily))} rows`,
    );
    return {
      total,
      batchSize,
      batches,
      generateMs,
      validateUsPerRow: validation.length
        ? validation.reduce((s, v) => s + v, 0) / validation.length
        : null,
      wallMs,
      cdrs: Number(sizes!.cdrs),
      cdrDaily: Number(sizes!.daily),
      cdrsBytes: Number(sizes!.heap),
      cdrsIndexBytes: Number(sizes!.idx),
      cdrDailyBytes: Number(sizes!.daily_bytes),
      window: `${meta!.start.toISOString().slice(0, 10)} to ${end.toISOString().slice(0, 10)}`,
      settings,
      loadBefore,
    };
  } finally {
    await app.close();
    await pg.end({ timeout: 5 });
  }
}

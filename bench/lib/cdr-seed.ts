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
  cdrStreams,
  cdrTotal,
  plannedAccounts,
  type BenchAccount,
} from "./cdr-dataset";
import { BenchError } from "./cluster";
import { processCpuMs, serverCpuMs } from "./cpu";
import { fmtBytes, fmtInt, fmtSeconds } from "./process";

/**
 * The CDR half of `npm run bench:seed`: the dataset of cdr-dataset.ts loaded THROUGH the
 * product's ingest path (`ingestCdrs`: validation, insert, daily roll-ups, one audit entry per
 * batch), one batch after another on one connection, on a server with stock durability (fsync
 * on), so the time per batch is the ingest throughput a switch would see. Resumable: each batch
 * commits with its progress row.
 */

export type CdrSeedSummary = {
  /** Where the data went, as the cluster describes itself. */
  database: string;
  total: number;
  batchSize: number;
  /** Clients sending batches at once. */
  streams: number;
  /** Batches loaded by this run, with their time inside ingestCdrs. */
  batches: { rows: number; ms: number }[];
  /** Generating the rows in JavaScript (not part of ingest). */
  generateMs: number;
  /** CPU time of the ingest in Node (validation, JSON, driver) and in the Postgres cluster. */
  nodeCpuMs: number;
  serverCpuMs: number | null;
  /** Validation alone (parseCdrRow over a sample of batches), CPU per row. */
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

export async function seedCdrs(url: string, database: string): Promise<CdrSeedSummary | null> {
  const total = cdrTotal();
  const batchSize = cdrBatchSize();
  const streams = cdrStreams();
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
    // Batch b's rows depend on the total and the batch size: a resumed load must keep both.
    for (const [key, value] of [
      ["cdr_total", total],
      ["cdr_batch_size", batchSize],
    ] as const) {
      await pg`insert into bench.seed_meta values (${key}, ${String(value)}) on conflict do nothing`;
      const [row] = await pg<
        { value: string }[]
      >`select value from bench.seed_meta where key = ${key}`;
      if (Number(row!.value) !== value) {
        throw new BenchError(
          `The bench CDRs were loaded with ${key} = ${row!.value}, not ${value}: set ` +
            `${key === "cdr_total" ? "BENCH_CDRS" : "BENCH_CDR_BATCH"}=${row!.value} to resume ` +
            "(or start from an empty bench database).",
        );
      }
    }
    const [meta] = await pg<{ start: Date }[]>`
      select value::timestamptz as start from bench.seed_meta where key = 'cdr_start_at'`;
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
    const [{ dir } = { dir: "" }] = await pg<{ dir: string }[]>`
      select current_setting('data_directory') as dir`;
    const serverCpuBefore = serverCpuMs(dir);
    const nodeCpuBefore = processCpuMs();
    // CPU spent on the bench's own work (generating rows, the validation sample), not ingest's
    let benchCpuMs = 0;
    const actor = systemActor("Switch", { detail: "bench:seed CDR load" });
    const batches: CdrSeedSummary["batches"] = [];
    const validation: number[] = [];
    let generateMs = 0;
    const started = performance.now();
    const loadedBefore = done.size ? Math.min(total, done.size * batchSize) : 0;
    let next = 0;
    // Each stream is a client sending batch after batch; with two, one validates in Node while
    // the other's batch is in the database.
    const stream = async () => {
      for (let i = next++; i < todo.length; i = next++) {
        const b = todo[i]!;
        const g = performance.now();
        const c = processCpuMs();
        const rows = dataset.batch(b);
        generateMs += performance.now() - g;
        benchCpuMs += processCpuMs() - c;
        // Validation on its own now and then, to show its share of the batch time.
        if (i % 10 === 0) {
          const v = processCpuMs();
          rows.forEach((r, n) => parseCdrRow(r, n + 1));
          const cpu = processCpuMs() - v;
          benchCpuMs += cpu;
          validation.push((cpu * 1000) / rows.length);
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
        if (batches.length % 25 === 0 || batches.length === todo.length) {
          const loaded = batches.reduce((n, x) => n + x.rows, 0);
          console.log(
            `  ${fmtInt(loadedBefore + loaded)} / ${fmtInt(total)}: ` +
              `${fmtInt((loaded / (performance.now() - started)) * 1000)} CDRs/s`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: streams }, stream));
    const wallMs = performance.now() - started;
    const serverCpuAfter = serverCpuMs(dir);
    const nodeCpu = processCpuMs() - nodeCpuBefore - benchCpuMs;
    const serverCpu =
      serverCpuBefore !== null && serverCpuAfter !== null ? serverCpuAfter - serverCpuBefore : null;
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
      database,
      total,
      batchSize,
      streams,
      batches,
      generateMs,
      nodeCpuMs: nodeCpu,
      serverCpuMs: serverCpu,
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

import postgres from "postgres";
import { openPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { seedCdrs } from "./lib/cdr-seed";
import { writeCdrSection } from "./lib/cdr-report";
import { BenchError, openBenchDatabase } from "./lib/cluster";
import { CHUNK_ROWS, TOTAL_ROWS } from "./lib/dataset";
import { fmtBytes, fmtInt, fmtSeconds, runScript } from "./lib/process";
import { INSERT_CHUNK, chunkArgs, chunkCount, createLookups } from "./lib/seed-sql";

/**
 * `npm run bench:seed`: 5,000,000 audit entries over the year before the first run, generated
 * in SQL (INSERT … SELECT … FROM generate_series, 500k rows a transaction). The schema and
 * indexes are the product's (its migrations run first); the secondary indexes are dropped for
 * the load and rebuilt from their saved definitions afterwards, which is several times faster
 * than maintaining two GIN and nine btree indexes row by row. Resumable: chunks are committed
 * with their progress row, and index definitions are kept in the `bench` schema until rebuilt.
 */

const YEAR_SECONDS = 365 * 24 * 3600;

type Sql = postgres.Sql;

async function step<T>(sql: Sql, name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  await sql`insert into bench.seed_steps (step, seconds) values (${name}, ${ms / 1000})`;
  console.log(`  ${name}: ${fmtSeconds(ms)}`);
  return result;
}

async function ensureBenchSchema(sql: Sql) {
  // The bench's own bookkeeping lives outside the product's schema (public), so the audit_log
  // and its indexes stay exactly what the migrations made.
  await sql.unsafe(`
    create schema if not exists bench;
    create table if not exists bench.seed_meta (key text primary key, value text not null);
    create table if not exists bench.seed_progress (chunk int primary key, rows int not null,
      seconds numeric not null, done_at timestamptz not null default now());
    create table if not exists bench.saved_indexes (name text primary key, definition text not null);
    create table if not exists bench.seed_steps (id serial primary key, step text not null,
      seconds numeric not null, done_at timestamptz not null default now());
  `);
}

/** The year the data covers ends at the first seed run, and stays so when a load resumes. */
async function timeWindow(sql: Sql): Promise<{ start: Date; end: Date }> {
  await sql`insert into bench.seed_meta values ('end_at', date_trunc('minute', now())::text)
    on conflict do nothing`;
  const [row] = await sql<{ end: Date }[]>`
    select value::timestamptz as end from bench.seed_meta where key = 'end_at'`;
  const end = row!.end;
  return { start: new Date(end.getTime() - YEAR_SECONDS * 1000), end };
}

async function dropSecondaryIndexes(sql: Sql) {
  await sql.begin(async (tx) => {
    await tx`insert into bench.saved_indexes (name, definition)
      select indexname, indexdef from pg_indexes
      where schemaname = 'public' and tablename = 'audit_log' and indexname <> 'audit_log_pkey'
      on conflict do nothing`;
    const names = await tx<{ name: string }[]>`select name from bench.saved_indexes order by name`;
    for (const { name } of names) await tx.unsafe(`drop index if exists public."${name}"`);
  });
}

async function loadChunks(sql: Sql, window: { start: Date }) {
  const chunks = chunkCount(TOTAL_ROWS);
  const done = new Set(
    (await sql<{ chunk: number }[]>`select chunk from bench.seed_progress`).map((r) => r.chunk),
  );
  const todo = [...Array(chunks).keys()].filter((c) => !done.has(c));
  if (todo.length === 0) return;
  if (done.size > 0) console.log(`Resuming: ${done.size} of ${chunks} chunks already loaded.`);

  await dropSecondaryIndexes(sql);
  await createLookups(sql);
  const stepSeconds = YEAR_SECONDS / TOTAL_ROWS;
  const loadStarted = performance.now();
  let loaded = done.size * CHUNK_ROWS;
  for (const chunk of todo) {
    const first = chunk * CHUNK_ROWS + 1;
    const last = Math.min(TOTAL_ROWS, (chunk + 1) * CHUNK_ROWS);
    const started = performance.now();
    await sql.begin(async (tx) => {
      // Same seed, same rows: a resumed or repeated load produces the identical chunk.
      await tx`select setseed(${(chunk + 1) / 1000})`;
      await tx.unsafe(INSERT_CHUNK, chunkArgs({ first, last, start: window.start, stepSeconds }));
      const seconds = (performance.now() - started) / 1000;
      await tx`insert into bench.seed_progress (chunk, rows, seconds)
        values (${chunk}, ${last - first + 1}, ${seconds})`;
    });
    loaded += last - first + 1;
    const ms = performance.now() - started;
    const rate = ((last - first + 1) / ms) * 1000;
    console.log(
      `  chunk ${chunk + 1}/${chunks}: ${fmtInt(last - first + 1)} rows in ${fmtSeconds(ms)} ` +
        `(${fmtInt(rate)} rows/s) — ${fmtInt(loaded)} of ${fmtInt(TOTAL_ROWS)}`,
    );
  }
  const ms = performance.now() - loadStarted;
  await sql`insert into bench.seed_steps (step, seconds)
    values (${`load ${todo.length} chunks`}, ${ms / 1000})`;
  console.log(`  load: ${fmtSeconds(ms)}`);
}

async function rebuildIndexes(sql: Sql) {
  const saved = await sql<{ name: string; definition: string }[]>`
    select name, definition from bench.saved_indexes order by name`;
  if (saved.length === 0) return;
  console.log(`Building ${saved.length} indexes from the migrations' definitions…`);
  const started = performance.now();
  for (const { name, definition } of saved) {
    await step(sql, `index ${name}`, () =>
      sql.begin(async (tx) => {
        // A rebuild interrupted half-way rolls back whole, and its definition stays saved.
        await tx.unsafe(definition.replace(/^CREATE INDEX /, "CREATE INDEX IF NOT EXISTS "));
        await tx`delete from bench.saved_indexes where name = ${name}`;
      }),
    );
  }
  await sql`insert into bench.seed_steps (step, seconds)
    values ('all indexes', ${(performance.now() - started) / 1000})`;
}

async function printSizes(sql: Sql) {
  const rows = await sql<{ name: string; bytes: string }[]>`
    select c.relname as name, pg_relation_size(c.oid)::text as bytes
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'public.audit_log'::regclass order by c.relname`;
  const [table] = await sql<{ heap: string; total: string }[]>`
    select pg_table_size('public.audit_log')::text as heap,
      pg_total_relation_size('public.audit_log')::text as total`;
  console.log(
    `\naudit_log: heap+toast ${fmtBytes(Number(table!.heap))}, total ${fmtBytes(Number(table!.total))}`,
  );
  for (const r of rows)
    console.log(`  ${r.name.padEnd(30)} ${fmtBytes(Number(r.bytes)).padStart(9)}`);
}

function seedParts(): { audit: boolean; cdrs: boolean } {
  const only = process.env.BENCH_SEED?.trim();
  if (only && only !== "audit" && only !== "cdrs") {
    throw new BenchError(`BENCH_SEED must be "audit" or "cdrs" (or unset for both): ${only}`);
  }
  return { audit: only !== "cdrs", cdrs: only !== "audit" };
}

async function main() {
  const parts = seedParts();
  if (parts.audit) await seedAuditLog();
  if (parts.cdrs) await seedCdrData();
}

async function seedCdrData() {
  const bench = await openBenchDatabase("query");
  try {
    console.log(`\nDatabase: ${bench.description}`);
    const app = await openPostgres(bench.url);
    try {
      await migrateDatabase(app);
    } finally {
      await app.close();
    }
    const summary = await seedCdrs(bench.url, bench.description);
    if (summary) await writeCdrSection(summary);
  } finally {
    await bench.stop();
  }
}

async function seedAuditLog() {
  const started = performance.now();
  const bench = await openBenchDatabase("load");
  try {
    console.log(`Database: ${bench.description}`);
    await seedAuditEntries(bench.url, started);
  } finally {
    await bench.stop();
  }
}

async function seedAuditEntries(url: string, started: number) {
  const app = await openPostgres(url);
  try {
    await migrateDatabase(app);
  } finally {
    await app.close();
  }

  // One connection: the lookup temp tables and setseed() belong to the session.
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { application_name: "trunkline-bench-seed" },
  });
  try {
    await ensureBenchSchema(sql);
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.audit_log`;
    const [{ pending } = { pending: 0 }] = await sql<{ pending: number }[]>`
      select count(*)::int as pending from bench.saved_indexes`;
    const [vacuumed] = await sql`select 1 from bench.seed_meta where key = 'vacuumed_at'`;
    if (n >= TOTAL_ROWS && pending === 0 && vacuumed) {
      console.log(
        `audit_log already holds ${fmtInt(n)} rows (≥ ${fmtInt(TOTAL_ROWS)}): nothing to do.`,
      );
      await printSizes(sql);
      return;
    }
    const [{ seeded } = { seeded: 0 }] = await sql<{ seeded: number }[]>`
      select coalesce(sum(rows), 0)::int as seeded from bench.seed_progress`;
    if (n > seeded && n < TOTAL_ROWS) {
      throw new BenchError(
        `audit_log holds ${fmtInt(n - seeded)} rows the bench seed did not write: seed an empty ` +
          "database (the audit log is append-only, so the bench will not clear it).",
      );
    }

    const window = await timeWindow(sql);
    console.log(
      `Seeding ${fmtInt(TOTAL_ROWS)} audit entries from ${window.start.toISOString()} to ` +
        `${window.end.toISOString()} in chunks of ${fmtInt(CHUNK_ROWS)}…`,
    );
    if (n < TOTAL_ROWS) await loadChunks(sql, window);
    await rebuildIndexes(sql);
    await step(sql, "vacuum analyze", () => sql`vacuum (analyze) public.audit_log`);
    await sql`insert into bench.seed_meta values ('vacuumed_at', now()::text)
      on conflict (key) do update set value = excluded.value`;
    await sql`checkpoint`;
    await sql`insert into bench.seed_steps (step, seconds)
      values ('seed run total', ${(performance.now() - started) / 1000})`;
    await printSizes(sql);
    console.log(`\nSeeded the audit log in ${fmtSeconds(performance.now() - started)}.`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

runScript("bench:seed", main);

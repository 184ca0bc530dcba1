import os from "node:os";
import { sql } from "drizzle-orm";
import { openPostgres, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import { auditLog } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { sealAuditLog } from "@/lib/audit/chain/seal";
import { signEntry } from "@/lib/audit/chain/signing";
import { verifyAuditChain } from "@/lib/audit/chain/verify";
import { recordAuditEvent } from "@/lib/audit/core";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { startPostgresCluster } from "@/tools/postgres/throwaway";
import { writeResultsSection } from "./lib/sections";
import { summarize, type Timing } from "./lib/stats";

/**
 * `npm run bench:chain`: what the tamper-evidence chain costs writers. Three variants of the same
 * write (an audit entry of a typical account change, 8 writers at once) run in interleaved
 * rounds in one process on one throwaway server, so drift on this shared machine hits them alike:
 *   baseline  what the core wrote before the chain: one insert, its id from a plain nextval;
 *   chain     the core now: the id drawn after the horizon's shared lock
 *             (trunkline_audit_next_id), the content hash returned, the signature inserted;
 *   + sealer  the same while the sealer runs every second (production: every 5 s).
 * Then the sealer's and the verifier's own speed over 200,000 entries.
 */

const WRITERS = 8;
const WRITES_PER_ROUND = 2_000;
const ROUNDS = 4;
const BULK = 200_000;

type Variant = "baseline" | "chain" | "chain + sealer";
const VARIANTS: Variant[] = ["baseline", "chain", "chain + sealer"];

const before = Object.fromEntries(
  Array.from({ length: 18 }, (_, i) => [`field${i}`, i % 3 ? `value ${i}` : i * 1000]),
);
const after = { ...before, field1: "changed", creditLimit: 5000 };

async function setIdDefault(db: Db, variant: Variant) {
  await db.execute(
    variant === "baseline"
      ? sql`alter table audit_log alter column id set default nextval('audit_log_id_seq'::regclass)`
      : sql`alter table audit_log alter column id set default trunkline_audit_next_id()`,
  );
}

async function round(db: Db, variant: Variant) {
  await setIdDefault(db, variant);
  let sealing = variant === "chain + sealer";
  const sealer = (async () => {
    while (sealing) {
      await sealAuditLog(db);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < WRITES_PER_ROUND) {
        next += 1;
        const entry = {
          action: "UPDATE",
          tableName: "accounts",
          recordPk: String(next),
          message: "Changed account Bench: credit limit 1000 → 5000",
          before,
          after,
          accountId: next % 50,
        } as const;
        const actor = systemActor("bench");
        const t = performance.now();
        if (variant === "baseline") {
          await db.transaction((tx) =>
            tx.insert(auditLog).values({
              actorType: actor.type,
              actorLabel: actor.label,
              channel: actor.channel,
              requestId: actor.requestId,
              ...entry,
            }),
          );
        } else {
          await recordAuditEvent(db, actor, entry);
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sealing = false;
  await sealer;
  return { perSecond: WRITES_PER_ROUND / seconds, latency: latencies };
}

const f1 = (n: number) => n.toFixed(1);
const fInt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const binaries = findPostgresBinaries();
  if (!binaries)
    throw new Error("bench:chain needs a Postgres server (apt-get install postgresql)");
  const cluster = await startPostgresCluster(binaries, "trunkline_bench_chain");
  const database = await openPostgres(cluster.url);
  try {
    await migrateDatabase(database);
    const db = database.db;
    const rates = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    const latencies = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    await round(db, "baseline"); // warm-up, not counted
    for (let r = 0; r < ROUNDS; r += 1) {
      // rotate the order so no variant always runs first
      for (const variant of [...VARIANTS.slice(r % 3), ...VARIANTS.slice(0, r % 3)]) {
        const result = await round(db, variant);
        rates.get(variant)!.push(result.perSecond);
        latencies.get(variant)!.push(...result.latency);
        console.log(`round ${r + 1} ${variant}: ${f1(result.perSecond)} writes/s`);
      }
    }
    await setIdDefault(db, "chain");
    const rate = (v: Variant) => summarize(rates.get(v)!).median;
    const lat = (v: Variant): Timing => summarize(latencies.get(v)!);

    // Sealing and verifying speed, on entries written in bulk and signed afterwards as the core
    // would have (on a fresh log: the baseline rounds' entries are unsigned on purpose).
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`truncate audit_log, audit_chain, audit_signatures`);
    });
    await db.execute(sql`insert into audit_log (actor_type, actor_label, channel, action, table_name,
        record_pk, account_id, message, before, after)
      select 'user', 'Bench', 'control_panel', 'UPDATE', 'accounts', g::text, g % 50,
        'Changed account Bench ' || g, ${JSON.stringify(before)}::jsonb, ${JSON.stringify(after)}::jsonb
      from generate_series(1, ${BULK}) g`);
    for (let lo = 0; ;) {
      const rows = await queryRows<{ id: string; hash: string }>(
        db,
        sql`select id, trunkline_audit_entry_hash(a) as hash from audit_log a
            where id > ${lo} order by id limit 10000`,
      );
      if (rows.length === 0) break;
      const signed = rows.map((r) => ({
        entry_id: Number(r.id),
        signature: signEntry(Number(r.id), r.hash),
      }));
      await db.execute(sql`insert into audit_signatures select * from
        json_to_recordset(${JSON.stringify(signed)}::json) as s(entry_id bigint, signature text)`);
      lo = signed.at(-1)!.entry_id;
    }
    // as autovacuum would have by then: the sealer's range query is planned on fresh statistics
    await db.execute(sql`analyze audit_log`);
    let t = performance.now();
    const sealed = await sealAuditLog(db);
    const sealSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const report = await verifyAuditChain(db);
    const verifySeconds = (performance.now() - t) / 1000;
    if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.problems[0])}`);
    const [size] = await queryRows<{ chain: string; log: string }>(
      db,
      sql`select pg_total_relation_size('audit_chain') as chain, pg_total_relation_size('audit_log') as log`,
    );

    const base = rate("baseline");
    const rows = VARIANTS.map((v) => {
      const l = lat(v);
      return `| ${v} | ${f1(rate(v))} | ${f1(rate(v) / base)}× | ${f1(l.median)} | ${f1(l.p95)} |`;
    });
    const body = [
      "## Tamper-evidence chain: write cost",
      "",
      `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? "unknown CPU"}, ` +
        `${os.cpus().length} cores, ${fInt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
        `PostgreSQL ${cluster.version} (throwaway cluster, fsync off: the figures compare variants, ` +
        "they are not a durability benchmark). Machine shared with other work: read the ratios.",
      "",
      `${WRITERS} writers, each write one audit entry of a typical account change (its own transaction); ` +
        `${ROUNDS} interleaved rounds of ${fInt(WRITES_PER_ROUND)} writes per variant, order rotated; ` +
        "writes/s is the median of the rounds, latency over all writes.",
      "",
      "| variant | writes/s | vs baseline | median ms | p95 ms |",
      "| --- | --: | --: | --: | --: |",
      ...rows,
      "",
      `- Sealing ${fInt(sealed.sealed)} entries: ${f1(sealSeconds)} s (${fInt(sealed.sealed / sealSeconds)} entries/s, one process).`,
      `- Verifying ${fInt(report.checkedEntries)} sealed entries: ${f1(verifySeconds)} s ` +
        `(${fInt(report.checkedEntries / verifySeconds)} entries/s); at that rate 5 M entries take about ` +
        `${fInt(5_000_000 / (report.checkedEntries / verifySeconds) / 60)} min.`,
      `- audit_chain takes ${fInt(Number(size!.chain) / 2 ** 20)} MiB for ${fInt(report.checkedEntries)} links ` +
        `(audit_log: ${fInt(Number(size!.log) / 2 ** 20)} MiB).`,
    ].join("\n");
    console.log(`\n${body}`);
    await writeResultsSection("chain", "npm run bench:chain (bench/chain.ts)", body);
    console.log("\nWrote bench/RESULTS.md (section chain).");
  } finally {
    await database.close();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

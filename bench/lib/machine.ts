import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { REPORTED_SETTINGS } from "./cluster";
import { fmtBytes } from "./process";

/** What the report says about the machine and the data, read at the start of the run. */
export type Machine = {
  cpu: string;
  cores: number;
  ramBytes: number;
  node: string;
  postgres: string;
  settings: Record<string, string>;
  rows: number;
  tableBytes: number;
  totalBytes: number;
  indexes: { name: string; bytes: number }[];
  loadBefore: number[];
  seedSteps: { step: string; seconds: number }[];
  /** The product code measured: commit, and how many files differ from it. */
  commit: string;
  /** The data's time window, as the seed recorded it. */
  window: string;
  migrations: number;
};

function productCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim() && !l.slice(3).startsWith("bench/")).length;
    return dirty > 0 ? `${head} + uncommitted changes in ${dirty} files` : head;
  } catch {
    return "unknown (not a git checkout)";
  }
}

type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    return line?.split(":")[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

export async function describeMachine(raw: Raw): Promise<Machine> {
  const settings: Record<string, string> = {};
  for (const name of REPORTED_SETTINGS) {
    const [row] = await raw(`select current_setting($1) as v`, [name]);
    settings[name] = String(row?.v ?? "");
  }
  const [counts] = await raw(`select count(*)::bigint as n,
      pg_table_size('public.audit_log') as t, pg_total_relation_size('public.audit_log') as tot
    from public.audit_log`);
  const indexes = await raw(`select c.relname as name, pg_relation_size(c.oid) as bytes
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'public.audit_log'::regclass order by pg_relation_size(c.oid) desc`);
  let seedSteps: Machine["seedSteps"] = [];
  try {
    seedSteps = (
      await raw(`select step, seconds::float8 as seconds from bench.seed_steps order by id`)
    ).map((r) => ({ step: String(r.step), seconds: Number(r.seconds) }));
  } catch {
    // seeded by something else (BENCH_DATABASE_URL): no timings to quote
  }
  let window = "unknown";
  try {
    const [row] = await raw(`select to_char(value::timestamptz - interval '365 days', 'YYYY-MM-DD')
        || ' to ' || to_char(value::timestamptz, 'YYYY-MM-DD') as w
      from bench.seed_meta where key = 'end_at'`);
    if (row) window = String(row.w);
  } catch {
    // not seeded by bench:seed
  }
  const [migrations] = await raw(`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return {
    commit: productCommit(),
    window,
    migrations: Number(migrations?.n ?? 0),
    cpu: cpuModel(),
    cores: os.cpus().length,
    ramBytes: os.totalmem(),
    node: process.version,
    postgres: settings.server_version ?? "",
    settings,
    rows: Number(counts?.n),
    tableBytes: Number(counts?.t),
    totalBytes: Number(counts?.tot),
    indexes: indexes.map((r) => ({ name: String(r.name), bytes: Number(r.bytes) })),
    loadBefore: os.loadavg(),
    seedSteps,
  };
}

export function machineLines(m: Machine): string[] {
  const indexBytes = m.indexes.reduce((s, i) => s + i.bytes, 0);
  return [
    `Product: commit ${m.commit}; ${m.migrations} migrations applied to the bench database`,
    `CPU: ${m.cpu}, ${m.cores} cores; RAM ${fmtBytes(m.ramBytes)}; Node ${m.node}; PostgreSQL ${m.postgres}`,
    `Load average at start (1/5/15 min): ${m.loadBefore.map((l) => l.toFixed(2)).join(" / ")} — the machine is shared with other work`,
    `Postgres settings: ${Object.entries(m.settings)
      .filter(([k]) => k !== "server_version")
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
    `audit_log: ${m.rows.toLocaleString("en-US")} rows; heap+TOAST ${fmtBytes(m.tableBytes)}; ` +
      `${m.indexes.length} indexes ${fmtBytes(indexBytes)}; total (pg_total_relation_size) ${fmtBytes(m.totalBytes)}`,
  ];
}

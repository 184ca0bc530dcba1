import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { format, resolveConfig } from "prettier";
import type { CdrSeedSummary } from "./cdr-seed";
import { fmtBytes, fmtInt } from "./process";

/**
 * The "CDRs: ingest" section of bench/RESULTS.md. bench:seed measures it (the load is the
 * measurement) and writes it between markers; bench/run.ts rewrites the rest of the file and
 * keeps this section as it is.
 */

const RESULTS_FILE = path.join(process.cwd(), "bench", "RESULTS.md");
const START = "<!-- cdr-ingest: written by bench:seed (bench/lib/cdr-report.ts) -->";
const END = "<!-- /cdr-ingest -->";
const INGEST_GOAL_PER_S = 20_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

function renderSection(s: CdrSeedSummary): string {
  const loaded = s.batches.reduce((n, b) => n + b.rows, 0);
  const ingestMs = s.batches.reduce((n, b) => n + b.ms, 0);
  const overall = (loaded / s.wallMs) * 1000;
  // One stream: the time inside ingestCdrs. Several overlap, so only the wall time counts.
  const perS = s.streams === 1 ? (loaded / ingestMs) * 1000 : overall;
  const full = s.batches.filter((b) => b.rows === s.batchSize).map((b) => b.ms);
  const ms = (full.length ? full : s.batches.map((b) => b.ms)).sort((a, b) => a - b);
  const median = percentile(ms, 50);
  const p95 = percentile(ms, 95);
  const cpu = os.cpus()[0]?.model ?? "unknown";
  return [
    START,
    "## CDRs: ingest",
    "",
    `Written by \`npm run bench:seed\` (bench/lib/cdr-seed.ts) when it loads the CDRs; \`npm run bench\` keeps this section.`,
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu}, ${os.cpus().length} cores; RAM ${fmtBytes(os.totalmem())}; Node ${process.version}; PostgreSQL ${s.settings.server_version}`,
    `- Database: ${s.database}`,
    `- Server: ${Object.entries(s.settings)
      .filter(([k]) => k !== "server_version")
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")} (the bench cluster's query settings: stock durability)`,
    `- Load average (1/5/15 min) at the start: ${s.loadBefore.map((l) => l.toFixed(2)).join(" / ")}, at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(
        " / ",
      )} — the machine is shared with other work, which stretches wall times (CPU times much less)`,
    `- Data: ${fmtInt(s.total)} CDRs over 30 days (${s.window}), 120 customers (Zipf-skewed traffic, 3 currencies), 20 carriers, the demo rate deck's breakouts; cdrs now ${fmtInt(s.cdrs)} rows, heap ${fmtBytes(s.cdrsBytes)}, indexes ${fmtBytes(s.cdrsIndexBytes)}; cdr_daily ${fmtInt(s.cdrDaily)} rows (${fmtBytes(s.cdrDailyBytes)})`,
    "",
    "Each batch goes through `ingestCdrs` exactly as the API will call it: zod validation of every row, the accounts checked in one query, then in one transaction one statement that inserts the rows (one JSON parameter) and adds them to `cdr_daily` (`INSERT … ON CONFLICT DO UPDATE` over the inserted rows), and one audit entry. " +
      (s.streams === 1
        ? "One client, batches in sequence; generating the rows in JavaScript is timed apart and not counted."
        : `${s.streams} clients at once (one Node process, one connection each): one validates while another's batch is in the database; the throughput is over the wall time, generating the rows included.`),
    "",
    "| measure | value |",
    "| --- | ---: |",
    `| CDRs loaded by this run | ${fmtInt(loaded)} in ${fmtInt(s.batches.length)} batches of ${fmtInt(s.batchSize)}, ${s.streams} client${s.streams === 1 ? "" : "s"} |`,
    `| ingest throughput (${s.streams === 1 ? "time inside ingestCdrs" : "wall time"}) | **${fmtInt(perS)} CDRs/s** |`,
    `| per batch of ${fmtInt(s.batchSize)}: median / p95 | ${fmtInt(median)} ms / ${fmtInt(p95)} ms |`,
    `| per batch: fastest / slowest | ${fmtInt(ms[0]!)} ms (${fmtInt((s.batchSize / ms[0]!) * 1000)} CDRs/s) / ${fmtInt(ms[ms.length - 1]!)} ms |`,
    `| of which validation (zod, per row, sampled) | ${s.validateUsPerRow === null ? "—" : `${s.validateUsPerRow.toFixed(1)} µs (${fmtInt((s.validateUsPerRow * s.batchSize) / 1000)} ms a batch)`} |`,
    ...cpuLines(s, loaded),
    `| overall, with generating the rows | ${fmtInt(overall)} CDRs/s (${(s.wallMs / 60_000).toFixed(1)} min) |`,
    `| goal ≥ ${fmtInt(INGEST_GOAL_PER_S)} CDRs/s with roll-ups | ${perS >= INGEST_GOAL_PER_S ? "met" : "not met"} |`,
    "",
    END,
  ].join("\n");
}

/**
 * CPU per 1,000 CDRs, and what it allows on this machine kind when nothing else runs: one client
 * does Node's part and the server's in turn; two can keep Node busy on one core while the
 * server uses the rest.
 */
function cpuLines(s: CdrSeedSummary, loaded: number): string[] {
  const node = (s.nodeCpuMs / loaded) * 1000;
  const lines = [`| CPU per 1,000 CDRs: Node (validation, JSON, driver) | ${node.toFixed(0)} ms |`];
  if (s.serverCpuMs === null) return lines;
  const server = (s.serverCpuMs / loaded) * 1000;
  const cores = os.cpus().length;
  const one = 1e6 / (node + server);
  const two = 1e6 / Math.max(node, (node + server) / cores);
  return [
    ...lines,
    `| CPU per 1,000 CDRs: Postgres (all its processes) | ${server.toFixed(0)} ms |`,
    `| implied on an idle ${cores}-core machine: 1 client / 2 clients | ${fmtInt(one)} / ${fmtInt(two)} CDRs/s |`,
  ];
}

/** `next` with the CDR section of `previous` kept (bench/run.ts rewrites the rest of the file). */
export function keepCdrSection(previous: string, next: string): string {
  const start = previous.indexOf(START);
  const end = previous.indexOf(END);
  if (start === -1 || end === -1 || next.includes(START)) return next;
  return `${next.trimEnd()}\n\n${previous.slice(start, end + END.length)}\n`;
}

export async function writeCdrSection(summary: CdrSeedSummary): Promise<void> {
  const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : "";
  const section = renderSection(summary);
  const start = previous.indexOf(START);
  const end = previous.indexOf(END);
  const text =
    start !== -1 && end !== -1
      ? previous.slice(0, start) + section + previous.slice(end + END.length)
      : `${previous.trimEnd()}\n\n${section}\n`;
  const style = await resolveConfig(RESULTS_FILE);
  writeFileSync(RESULTS_FILE, await format(text, { ...style, filepath: RESULTS_FILE }));
  console.log(`Wrote the CDR ingest figures to ${path.relative(process.cwd(), RESULTS_FILE)}.`);
}

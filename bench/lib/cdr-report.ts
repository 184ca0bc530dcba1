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
export const INGEST_GOAL_PER_S = 20_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

function renderSection(s: CdrSeedSummary): string {
  const loaded = s.batches.reduce((n, b) => n + b.rows, 0);
  const ingestMs = s.batches.reduce((n, b) => n + b.ms, 0);
  const perS = (loaded / ingestMs) * 1000;
  const overall = (loaded / s.wallMs) * 1000;
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
    `- Server: ${Object.entries(s.settings)
      .filter(([k]) => k !== "server_version")
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")} (the bench cluster's query settings: stock durability)`,
    `- Load average at start (1/5/15 min): ${s.loadBefore.map((l) => l.toFixed(2)).join(" / ")} — the machine is shared with other work`,
    `- Data: ${fmtInt(s.total)} CDRs over 30 days (${s.window}), 120 customers (Zipf-skewed traffic, 3 currencies), 20 carriers, the demo rate deck's breakouts; cdrs now ${fmtInt(s.cdrs)} rows, heap ${fmtBytes(s.cdrsBytes)}, indexes ${fmtBytes(s.cdrsIndexBytes)}; cdr_daily ${fmtInt(s.cdrDaily)} rows (${fmtBytes(s.cdrDailyBytes)})`,
    "",
    "Each batch goes through `ingestCdrs` exactly as the API will call it: zod validation of every row, the accounts checked in one query, then in one transaction the insert (one JSON parameter per 10,000 rows), the `cdr_daily` roll-up of those rows (`INSERT … ON CONFLICT DO UPDATE` adding to existing days) and one audit entry. One connection, batches in sequence; generating the rows in JavaScript is timed apart and not counted.",
    "",
    "| measure | value |",
    "| --- | ---: |",
    `| CDRs loaded by this run | ${fmtInt(loaded)} in ${fmtInt(s.batches.length)} batches of ${fmtInt(s.batchSize)} |`,
    `| ingest throughput (time inside ingestCdrs) | **${fmtInt(perS)} CDRs/s** |`,
    `| per batch of ${fmtInt(s.batchSize)}: median / p95 | ${fmtInt(median)} ms / ${fmtInt(p95)} ms |`,
    `| per batch: min / max | ${fmtInt(ms[0]!)} ms / ${fmtInt(ms[ms.length - 1]!)} ms |`,
    `| of which validation (zod, per row, sampled) | ${s.validateUsPerRow === null ? "—" : `${s.validateUsPerRow.toFixed(1)} µs (${fmtInt((s.validateUsPerRow * s.batchSize) / 1000)} ms a batch)`} |`,
    `| overall, with generating the rows | ${fmtInt(overall)} CDRs/s (${(s.wallMs / 60_000).toFixed(1)} min) |`,
    `| goal ≥ ${fmtInt(INGEST_GOAL_PER_S)} CDRs/s with roll-ups | ${perS >= INGEST_GOAL_PER_S ? "met" : "not met"} |`,
    "",
    END,
  ].join("\n");
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

// First: makes `next/navigation` loadable here as in Next's server bundle (see the file).
import "./lib/rsc-aliases";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { format, resolveConfig } from "prettier";
import { openPostgres, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { countAuditEntries } from "@/lib/audit/queries/audit-log";
import * as schema from "@/db/schema";
import { isTearingDown } from "@/tools/process/teardown";
import { cannedDb, type Statement } from "./lib/canned";
import { runApiPart, withApiSection } from "./lib/api-mix";
import { runCdrPart, withCdrPagesSection } from "./lib/cdr-mix";
import { keepCdrSection } from "./lib/cdr-report";
import { BenchError, openBenchDatabase } from "./lib/cluster";
import { TOTAL_ROWS } from "./lib/dataset";
import { explain } from "./lib/explain";
import { BENCH_ADMIN_EMAIL, Session, ensureBenchAdmin, startApp } from "./lib/http";
import { describeMachine } from "./lib/machine";
import {
  SCOPE,
  buildMix,
  naiveQuery,
  pagePath,
  productQuery,
  whereFor,
  type Scenario,
} from "./lib/mix";
import { fmtInt, runScript } from "./lib/process";
import { keepRetentionSection } from "./lib/retention-report";
import {
  HTTP_P95_TARGET_MS,
  PAGE_GOAL_KB,
  PAGE_GOAL_P95_MS,
  httpMet,
  pageGoalMet,
  ratioMet,
  renderConsole,
  renderMarkdown,
  type Diagnosis,
  type HttpResult,
  type PageBaseline,
  type QueryResult,
} from "./lib/report";
import {
  COUNT_LOOP,
  HTTP_LOOP,
  HTTP_WARM_ROUNDS,
  JS_LOOP,
  NAIVE_LOOP,
  QUERY_LOOP,
  fmtMs,
  measure,
  measureInterleaved,
  type Timing,
} from "./lib/stats";

/**
 * `npm run bench`: the audit page's query mix three ways (product functions, the same SQL raw,
 * the naive OFFSET + COUNT approach), then the signed-in page over HTTP; then the CDR pages and
 * the breakout report (bench/lib/cdr-mix.ts); then audited REST API mutations (bench/lib/api-mix.ts).
 * Written to bench/RESULTS.md with the machine description; BENCH_PART=audit, cdrs or api
 * measures one part and keeps the others' sections.
 * Starts the bench cluster and the app itself and
 * stops both at the end, also on errors and Ctrl-C.
 */

type Params = postgres.ParameterOrJSON<never>[];

const RESULTS_FILE = path.join(process.cwd(), "bench", "RESULTS.md");
/** The page before the lighter-page change (issue 11, part 7), printed beside each run. */
const BASELINE_FILE = path.join(process.cwd(), "bench", "baseline-page.json");

function readBaseline(): PageBaseline | null {
  if (!existsSync(BASELINE_FILE)) return null;
  return JSON.parse(readFileSync(BASELINE_FILE, "utf8")) as PageBaseline;
}
/** A product query slower than this gets its plan in the report even when its ratio is fine. */
const SLOW_QUERY_MS = 50;

async function main() {
  const bench = await openBenchDatabase("query");
  console.log(`Database: ${bench.description}`);

  // (a) the product's own client, exactly as the app opens it.
  const app = await openPostgres(bench.url);
  // (b)/(c) a plain postgres.js client; also the transport for capturing the product's SQL.
  const client = postgres(bench.url, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: "trunkline-bench", statement_timeout: 120_000 },
  });
  try {
    // A fix made as a migration (a new index) applies here before anything is measured.
    await migrateDatabase(app);
    const raw = (text: string, params: unknown[] = []) =>
      client.unsafe(text, params as Params) as Promise<Record<string, unknown>[]>;

    // The same Drizzle setup as db/client.ts, plus a logger: every statement the product's
    // functions send is recorded with its parameters, to be replayed raw.
    const captured: Statement[] = [];
    const captureDb = drizzle({
      client,
      schema,
      casing: "snake_case",
      logger: { logQuery: (sql, params) => void captured.push({ sql, params }) },
    }) as unknown as Db;
    const capture = async (work: (db: Db) => Promise<unknown>) => {
      captured.length = 0;
      await work(captureDb);
      return [...captured];
    };

    const part = benchPart();
    const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : "";
    let text = previous;
    let auditFailure: string | null = null;
    if (part === "audit" || part === "all") {
      const audit = await auditPart(bench.description, bench.url, app, client, raw, capture);
      // The CDR ingest section is bench:seed's (the load is its measurement): carried over.
      text = keepCdrSection(previous, audit.markdown);
      auditFailure = audit.httpError;
    }
    const cdrs =
      part === "cdrs" || part === "all"
        ? await runCdrPart(app.db, client, raw, capture, bench.url)
        : null;
    text = withCdrPagesSection(text, cdrs?.section ?? null, previous);
    // Last: its thousands of new accounts and entries must not be in what the others measure.
    const api =
      part === "api" || part === "all"
        ? await runApiPart(app.db, raw, bench.url, bench.description)
        : null;
    text = withApiSection(text, api?.section ?? null, previous);
    text = keepRetentionSection(previous, text);
    // Formatted like every other file of the repository, so `prettier --check` passes on it.
    const style = await resolveConfig(RESULTS_FILE);
    writeFileSync(RESULTS_FILE, await format(text, { ...style, filepath: RESULTS_FILE }));
    console.log(`\nWrote ${path.relative(process.cwd(), RESULTS_FILE)}.`);
    const failure = auditFailure ?? cdrs?.httpError ?? api?.error;
    if (failure) {
      throw new BenchError(`the HTTP part failed (see above): ${failure.split("\n")[0]}`);
    }
  } finally {
    await client.end({ timeout: 5 });
    await app.close();
  }
}

/** BENCH_PART: which part to measure; the others' sections of RESULTS.md are kept as they are. */
function benchPart(): "audit" | "cdrs" | "api" | "all" {
  const part = process.env.BENCH_PART?.trim() || "all";
  if (part === "audit" || part === "cdrs" || part === "api" || part === "all") return part;
  throw new BenchError(`BENCH_PART must be audit, cdrs, api or all: ${part}`);
}

/** The audit page's mix (issue 11): the RESULTS.md text it renders, and whether HTTP failed. */
async function auditPart(
  database: string,
  url: string,
  app: { db: Db },
  client: postgres.Sql,
  raw: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  capture: (work: (db: Db) => Promise<unknown>) => Promise<Statement[]>,
): Promise<{ markdown: string; httpError: string | null }> {
  const startedAt = new Date();
  const [{ n } = { n: 0 }] = await raw(`select count(*)::int as n from public.audit_log`);
  if (Number(n) < TOTAL_ROWS) {
    throw new BenchError(
      `audit_log holds ${fmtInt(Number(n))} rows, fewer than ${fmtInt(TOTAL_ROWS)}: run \`npm run bench:seed\` first.`,
    );
  }

  const machine = await describeMachine(raw);
  const mix = await buildMix(app.db, raw);
  console.log(`${fmtInt(machine.rows)} rows; measuring ${mix.length} queries three ways…\n`);

  const queries: QueryResult[] = [];
  for (const scenario of mix) {
    const statements = await capture((db) => productQuery(db, scenario));
    const naive = naiveQuery(app.db, scenario);
    const answer = await productQuery(app.db, scenario);
    const [naiveFirst] = await raw(naive.sql, naive.params);
    const canned = await cannedDb(client, statements);
    const js = await measure(() => productQuery(canned, scenario), JS_LOOP);
    const [product, rawTiming] = await measureInterleaved(
      [
        () => productQuery(app.db, scenario),
        async () => {
          for (const s of statements) await raw(s.sql, s.params);
        },
      ],
      QUERY_LOOP,
    );
    const naiveTiming = await measure(() => raw(naive.sql, naive.params), NAIVE_LOOP);
    const result: QueryResult = {
      scenario,
      statements,
      product: product!,
      raw: rawTiming!,
      naive: naiveTiming,
      js,
      naiveSql: naive.sql,
      answer: scenario.kind === "count" ? fmtInt(answer) : `${answer} rows`,
      // drizzle's count() is selected without an alias: the row's only value is the count.
      naiveAnswer:
        scenario.kind === "count" ? fmtInt(Number(Object.values(naiveFirst ?? {})[0])) : "",
    };
    if (scenario.kind === "count") result.answer += ` (exact ${result.naiveAnswer})`;
    queries.push(result);
    console.log(
      `${scenario.label.padEnd(52)} product ${fmtMs(result.product.median).padStart(7)} / ` +
        `${fmtMs(result.product.p95).padStart(7)}  raw ${fmtMs(result.raw.median).padStart(7)} / ` +
        `${fmtMs(result.raw.p95).padStart(7)}  naive ${fmtMs(result.naive.median).padStart(7)} / ` +
        `${fmtMs(result.naive.p95).padStart(7)} ms (p50 / p95)`,
    );
  }

  // The page also counts what its filter matches (capped), concurrently with the page query:
  // timed here so the HTTP table can show where a slow page's time goes.
  console.log("\nThe capped count each page runs alongside its rows (product path):");
  const pageCounts = new Map<string, Timing>();
  for (const scenario of mix.filter((s) => s.kind === "page")) {
    const asCount: Scenario = { ...scenario, kind: "count" };
    const timing = await measure(() => productQuery(app.db, asCount), COUNT_LOOP);
    pageCounts.set(scenario.key, timing);
    console.log(
      `${scenario.label.padEnd(52)} count ${fmtMs(timing.median).padStart(7)} / ` +
        `${fmtMs(timing.p95).padStart(7)} ms (p50 / p95)`,
    );
  }
  const nullsFirst = await naiveNullsFirst(raw);

  console.log("\nHTTP: creating the bench admin and starting the app (builds if needed)…");
  const http: HttpResult[] = [];
  let httpError: string | null = null;
  try {
    await measureHttp(url, app.db, mix, pageCounts, http);
  } catch (err) {
    // The query results are still worth writing down; the run fails at the end.
    if (isTearingDown()) throw err;
    httpError = err instanceof Error ? err.message : String(err);
    console.error(`HTTP part failed: ${httpError}`);
  }

  const diagnoses = await diagnose(raw, capture, queries, http);
  const report = {
    startedAt,
    finishedAt: new Date(),
    database,
    machine,
    loadAfter: os.loadavg(),
    queries,
    http,
    diagnoses,
    baseline: readBaseline(),
    notes: [
      ...(httpError
        ? [`**The HTTP part failed**, so no page was timed: ${httpError.split("\n")[0]}`]
        : []),
      ...notesFor(queries, http),
      nullsFirst,
    ],
  };
  console.log(`\n${renderConsole(report)}`);
  return { markdown: renderMarkdown(report), httpError };
}

/** Signs in through the app and times each page of the mix; stops the app whatever happens. */
async function measureHttp(
  databaseUrl: string,
  db: Db,
  mix: Scenario[],
  pageCounts: Map<string, Timing>,
  http: HttpResult[],
): Promise<void> {
  const password = await ensureBenchAdmin(db);
  const server = await startApp(databaseUrl);
  try {
    const session = new Session(server.baseUrl);
    await session.signIn(BENCH_ADMIN_EMAIL, password);
    const pages = mix.filter((s) => s.kind === "page");
    for (let round = 0; round < HTTP_WARM_ROUNDS; round++) {
      for (const scenario of pages) await session.auditPage(pagePath(scenario.params));
    }
    for (const scenario of pages) {
      const url = pagePath(scenario.params);
      const bytes = await session.auditPage(url);
      const timing = await measure(() => session.auditPage(url), HTTP_LOOP);
      http.push({ scenario, timing, bytes, count: pageCounts.get(scenario.key)! });
      console.log(
        `${scenario.label.padEnd(52)} GET ${fmtMs(timing.median).padStart(7)} / ` +
          `${fmtMs(timing.p95).padStart(7)} ms (p50 / p95), ${fmtInt(bytes)} bytes`,
      );
    }
  } finally {
    await server.stop();
  }
}

/**
 * Plans for what missed a target or is slow: the page statement, and for a slow page its
 * count too (the page runs both at once, so the slower one sets the response time).
 */
async function diagnose(
  raw: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  capture: (work: (db: Db) => Promise<unknown>) => Promise<Statement[]>,
  queries: QueryResult[],
  http: HttpResult[],
): Promise<Diagnosis[]> {
  const out: Diagnosis[] = [];
  const add = async (scenario: Scenario, what: string, statement: Statement | undefined) => {
    if (
      !statement ||
      out.some((d) => d.sql === statement.sql && sameParams(d.params, statement.params))
    )
      return;
    let plan: string[];
    let summary: string[];
    try {
      ({ plan, summary } = await explain(raw, statement.sql, statement.params));
    } catch (err) {
      // A plan the bench cannot get must not cost the measurements already made.
      plan = [];
      summary = [`EXPLAIN failed: ${(err as Error).message}`];
    }
    out.push({
      key: scenario.key,
      what,
      sql: statement.sql,
      params: statement.params,
      plan,
      summary,
    });
  };
  for (const q of queries) {
    const h = http.find((x) => x.scenario.key === q.scenario.key);
    const reasons: string[] = [];
    if (!ratioMet(q))
      reasons.push(`product ${fmtMs(q.product.median)} ms vs raw ${fmtMs(q.raw.median)} ms`);
    if (h && !httpMet(h))
      reasons.push(`page p95 ${fmtMs(h.timing.p95)} ms ≥ ${HTTP_P95_TARGET_MS} ms`);
    if (q.product.p95 > SLOW_QUERY_MS) reasons.push(`product p95 ${fmtMs(q.product.p95)} ms`);
    if (reasons.length === 0) continue;
    await add(q.scenario, `${q.scenario.label}: ${reasons.join("; ")}`, explainable(q.statements));
    if (q.scenario.kind === "page" && h && !httpMet(h)) {
      const { where } = whereFor(q.scenario.params);
      const count = explainable(await capture((db) => countAuditEntries(db, SCOPE, where)));
      // Absent when the count answered from the planner's estimate alone: nothing ran to explain.
      await add(q.scenario, `${q.scenario.label}: the page's capped count`, count);
    }
  }
  return out;
}

/**
 * The newest page as a hand-written admin query would order it: `ORDER BY occurred_at DESC, id
 * DESC` means NULLS FIRST, which the product's `DESC NULLS LAST` indexes cannot serve (Postgres
 * does not use the NOT NULL constraints to see they are the same order).
 */
async function naiveNullsFirst(
  raw: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<string> {
  const text =
    "select id, occurred_at, actor_label, message from audit_log " +
    "order by occurred_at desc, id desc limit 50";
  const timing = await measure(() => raw(text), { ...NAIVE_LOOP, budgetMs: 15_000 });
  const line =
    `Ordering matters as much as OFFSET: the newest page written as \`${text.replace(/^select .* from/, "select … from")}\` ` +
    `(DESC = NULLS FIRST, no matching index: a full scan and sort) took p50 ${fmtMs(timing.median)} ms, ` +
    `p95 ${fmtMs(timing.p95)} ms (n=${timing.n}); the naive column above orders \`DESC NULLS LAST\` ` +
    "like the product, so it measures OFFSET and exact counts only.";
  console.log(`\n${line}`);
  return line;
}

/**
 * The statement worth a plan: countAuditEntries asks the planner first (`explain (format json)`,
 * which cannot itself be explained), then maybe counts.
 */
const explainable = (statements: Statement[]) =>
  statements.find((s) => !/^\s*explain\b/i.test(s.sql));

const sameParams = (a: unknown[], b: unknown[]) => JSON.stringify(a) === JSON.stringify(b);

function notesFor(queries: QueryResult[], http: HttpResult[]): string[] {
  const notes: string[] = [];
  const ratioMisses = queries.filter((q) => !ratioMet(q));
  const httpMisses = http.filter((h) => !httpMet(h));
  notes.push(
    `product ≤ 2× raw: ${queries.length - ratioMisses.length} of ${queries.length} met` +
      (ratioMisses.length ? ` (missed: ${ratioMisses.map((q) => q.scenario.key).join(", ")})` : ""),
    `page p95 < ${HTTP_P95_TARGET_MS} ms: ${http.length - httpMisses.length} of ${http.length} met` +
      (httpMisses.length ? ` (missed: ${httpMisses.map((h) => h.scenario.key).join(", ")})` : ""),
  );
  const goalMisses = http.filter((h) => !pageGoalMet(h));
  notes.push(
    `lighter page (p95 ≤ ${PAGE_GOAL_P95_MS} ms and ≤ ${PAGE_GOAL_KB} KB): ` +
      `${http.length - goalMisses.length} of ${http.length} met` +
      (goalMisses.length ? ` (missed: ${goalMisses.map((h) => h.scenario.key).join(", ")})` : ""),
  );
  for (const q of ratioMisses) {
    const overhead = q.product.median - q.raw.median;
    notes.push(
      `${q.scenario.key}: the product adds ${fmtMs(overhead)} ms to a ${fmtMs(q.raw.median)} ms ` +
        `statement; its JavaScript alone (canned rows) takes ${fmtMs(q.js.median)} ms — URL and ` +
        "search parsing, Drizzle building the SQL, mapping 51 rows, encoding cursors. A fixed cost " +
        "that shows as a ratio only when the statement itself takes about a millisecond.",
    );
  }
  for (const h of httpMisses) {
    const q = queries.find((x) => x.scenario.key === h.scenario.key);
    const sqlP95 = Math.max(q?.product.p95 ?? 0, h.count.p95);
    if (sqlP95 < h.timing.p95 / 5) {
      notes.push(
        `${h.scenario.key}: page p95 ${fmtMs(h.timing.p95)} ms (p50 ${fmtMs(h.timing.median)}, max ` +
          `${fmtMs(h.timing.max)}) while its rows query and count take at most ${fmtMs(sqlP95)} ms ` +
          "at p95: the database is not what is slow; the time is in the app (session, column " +
          `visibility, rendering ${(h.bytes / 1024).toFixed(0)} KB) and in the machine's other load ` +
          "(compare the load averages).",
      );
    }
  }
  return notes;
}

runScript("bench", main);

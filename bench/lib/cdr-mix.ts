import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Sql } from "postgres";
import type { Db } from "@/db/client";
import { sealCdrCursor, sealCdrRefs } from "@/lib/cdrs/cdr-ref";
import { parseCdrPageParams, type RawSearchParams } from "@/lib/cdrs/page-params";
import { findCdrPage } from "@/lib/cdrs/queries";
import { cdrViewerPolicy, type CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { findBreakoutReport } from "@/lib/reports/breakout";
import { parseBreakoutParams } from "@/lib/reports/breakout-params";
import { cannedDb, type Statement } from "./canned";
import { CDR_DAYS } from "./cdr-dataset";
import { BenchError } from "./cluster";
import { explain } from "./explain";
import { BENCH_ADMIN_EMAIL, Session, ensureBenchUser, startApp } from "./http";
import { fmtBytes, fmtInt } from "./process";
import {
  HTTP_LOOP,
  HTTP_WARM_ROUNDS,
  JS_LOOP,
  QUERY_LOOP,
  fmtMs,
  fmtRatio,
  measure,
  measureInterleaved,
  type Timing,
} from "./stats";

/**
 * The CDR half of `npm run bench` (issue 12): the breakout report and the CDR pages over the
 * bench's 10,000,000 CDRs (30 days, loaded by bench:seed through ingestCdrs). Each scenario is
 * timed three ways: the product's query function with a real viewer policy, the SQL it sent
 * replayed raw through postgres.js (same connection kind, no JavaScript around it), and the page
 * over HTTP signed in as that viewer. Written to bench/RESULTS.md between its own markers.
 */

type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
type Capture = (work: (db: Db) => Promise<unknown>) => Promise<Statement[]>;
type Viewer = "admin" | "customer" | "carrier";

const START = "<!-- cdr-pages: written by npm run bench (bench/lib/cdr-mix.ts) -->";
const END = "<!-- /cdr-pages -->";

/** Issue 12's goals. */
const BREAKOUT_QUERY_P95_MS = 50;
const BREAKOUT_PAGE_P95_MS = 150;
const CDR_RATIO = 2;

type CdrScenario = {
  key: string;
  label: string;
  kind: "breakout" | "page";
  viewer: Viewer;
  /** The URL's search params: parsed by the product's own parser for the function, sent for HTTP. */
  query: Record<string, string>;
};

type CdrResult = {
  scenario: CdrScenario;
  statements: Statement[];
  product: Timing;
  raw: Timing;
  /** The product function on canned rows: its JavaScript alone. */
  js: Timing;
  answer: string;
  http: { timing: Timing; bytes: number } | null;
  plans: { sql: string; plan: string[] }[];
};

type Context = {
  from: string;
  last: string;
  customer: { id: number; name: string };
  carrier: { id: number; name: string };
  dest: string;
  rareDest: string;
  cdrs: number;
  cdrBytes: number;
  daily: number;
  dailyBytes: number;
  /** cdr_daily's rows were it keyed by day, customer breakout and currency only. */
  dailyByDest: number;
  customerRows: number;
  carrierRows: number;
};

const day = (start: Date, offset: number) =>
  new Date(start.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/** The data's window and the accounts the scenarios look at: the busiest ones, as a switch has. */
async function readContext(raw: Raw): Promise<Context> {
  let meta: Record<string, unknown> | undefined;
  try {
    [meta] = await raw(`select value::timestamptz as start from bench.seed_meta
      where key = 'cdr_start_at'`);
  } catch {
    meta = undefined;
  }
  if (!meta) throw new BenchError("No bench CDRs: run `npm run bench:seed` first.");
  const start = new Date(meta.start as Date);
  const [customer] = await raw(`select d.customer_id::int as id, a.name
    from cdr_daily d join accounts a on a.id = d.customer_id
    group by 1, 2 order by sum(d.attempts) desc limit 1`);
  const [carrier] = await raw(`select d.carrier_id::int as id, a.name
    from cdr_daily d join accounts a on a.id = d.carrier_id
    group by 1, 2 order by sum(d.attempts) desc limit 1`);
  if (!customer || !carrier) throw new BenchError("cdr_daily is empty: run `npm run bench:seed`.");
  // The busiest customer's top breakout, and one of its rarer ones (the 20th): a filter that
  // matches a few calls an hour has to walk further down the index for a page.
  const dests = await raw(
    `select customer_dest_name as name from cdr_daily where customer_id = $1
      group by 1 order by sum(attempts) desc limit 20`,
    [customer.id],
  );
  const [sizes] = await raw(
    `select (select count(*) from cdrs)::float8 as cdrs,
      pg_total_relation_size('cdrs')::float8 as cdr_bytes,
      (select count(*) from cdr_daily)::float8 as daily,
      pg_total_relation_size('cdr_daily')::float8 as daily_bytes,
      (select count(*) from (select distinct day, customer_dest_name, customer_currency
        from cdr_daily) k)::float8 as by_dest,
      (select count(*) from cdr_daily where customer_id = $1)::float8 as customer_rows,
      (select count(*) from cdr_daily where carrier_id = $2)::float8 as carrier_rows`,
    [customer.id, carrier.id],
  );
  return {
    from: day(start, 0),
    last: day(start, CDR_DAYS - 1),
    customer: { id: Number(customer.id), name: String(customer.name) },
    carrier: { id: Number(carrier.id), name: String(carrier.name) },
    dest: String(dests[0]?.name ?? ""),
    rareDest: String(dests.at(-1)?.name ?? ""),
    cdrs: Number(sizes!.cdrs),
    cdrBytes: Number(sizes!.cdr_bytes),
    daily: Number(sizes!.daily),
    dailyBytes: Number(sizes!.daily_bytes),
    dailyByDest: Number(sizes!.by_dest),
    customerRows: Number(sizes!.customer_rows),
    carrierRows: Number(sizes!.carrier_rows),
  };
}

function buildScenarios(c: Context): CdrScenario[] {
  const month = { from: c.from, to: c.last };
  const lastDay = { from: c.last, to: c.last };
  const week = { from: day(new Date(`${c.last}T00:00:00Z`), -6), to: c.last };
  return [
    {
      key: "breakout-all",
      label: "Breakout, all accounts, 30 days, by breakout",
      kind: "breakout",
      viewer: "admin",
      query: month,
    },
    {
      key: "breakout-all-customer",
      label: "Breakout, all accounts, 30 days, by breakout + customer",
      kind: "breakout",
      viewer: "admin",
      query: { ...month, group: "customer_dest_name,customer" },
    },
    {
      key: "breakout-one-admin",
      label: `Breakout, ${c.customer.name} (staff filter), 30 days`,
      kind: "breakout",
      viewer: "admin",
      query: { ...month, customer: String(c.customer.id) },
    },
    {
      key: "breakout-one-portal",
      label: `Breakout, ${c.customer.name} in its portal, 30 days`,
      kind: "breakout",
      viewer: "customer",
      query: month,
    },
    {
      key: "breakout-carrier-portal",
      label: `Breakout, ${c.carrier.name} in its portal, 30 days`,
      kind: "breakout",
      viewer: "carrier",
      query: month,
    },
    {
      key: "cdrs-first",
      label: "CDRs, all accounts, one day, first page",
      kind: "page",
      viewer: "admin",
      query: lastDay,
    },
    {
      key: "cdrs-default",
      label: "CDRs, all accounts, default range (last 24 h)",
      kind: "page",
      viewer: "admin",
      query: {},
    },
    {
      key: "cdrs-filtered",
      label: `CDRs, one customer + connected + "${c.dest}", 7 days`,
      kind: "page",
      viewer: "admin",
      query: { ...week, account: String(c.customer.id), connected: "1", dest: c.dest },
    },
    {
      key: "cdrs-filtered-rare",
      label: `CDRs, one customer + connected + "${c.rareDest}", 7 days`,
      kind: "page",
      viewer: "admin",
      query: { ...week, account: String(c.customer.id), connected: "1", dest: c.rareDest },
    },
    {
      key: "cdrs-portal-customer",
      label: `CDRs, ${c.customer.name} in its portal, one day`,
      kind: "page",
      viewer: "customer",
      query: lastDay,
    },
    {
      key: "cdrs-portal-carrier",
      label: `CDRs, ${c.carrier.name} in its portal, one day`,
      kind: "page",
      viewer: "carrier",
      query: lastDay,
    },
  ];
}

const pathOf = (s: CdrScenario) => {
  const base =
    (s.viewer === "admin" ? "" : "/portal") +
    (s.kind === "breakout" ? "/reports/breakout" : "/cdrs");
  const qs = new URLSearchParams(s.query).toString();
  return qs ? `${base}?${qs}` : base;
};
const markerOf = (s: CdrScenario) =>
  s.kind === "breakout" ? 'data-testid="breakout-table"' : 'data-testid="cdr-table"';

/** The product's query function for the scenario, with the params the page would parse. */
async function productRun(db: Db, policy: CdrViewerPolicy, s: CdrScenario): Promise<string> {
  const raw: RawSearchParams = s.query;
  if (s.kind === "breakout") {
    const result = await findBreakoutReport(
      db,
      policy,
      parseBreakoutParams(raw, policy.viewer.timeZone),
    );
    if (!result.ok) throw new BenchError(`${s.key}: ${result.error}`);
    return `${fmtInt(result.report.rows.length)}${result.report.truncated ? "+" : ""} rows`;
  }
  const result = await findCdrPage(db, policy, parseCdrPageParams(raw));
  if (!result.ok) throw new BenchError(`${s.key}: ${result.error}`);
  return `${result.page.rows.length} rows`;
}

type Users = Record<
  Viewer,
  { id: number; email: string; password: string; policy: CdrViewerPolicy }
>;

async function benchUsers(db: Db, c: Context): Promise<Users> {
  const made = {
    admin: {
      email: BENCH_ADMIN_EMAIL,
      ...(await ensureBenchUser(db, {
        email: BENCH_ADMIN_EMAIL,
        name: "Bench Admin",
        role: "admin",
        accountId: null,
      })),
      role: "admin" as const,
      accountId: null,
    },
    customer: {
      email: "bench-customer@example.com",
      ...(await ensureBenchUser(db, {
        email: "bench-customer@example.com",
        name: "Bench Customer Portal",
        role: "customer",
        accountId: c.customer.id,
      })),
      role: "customer" as const,
      accountId: c.customer.id,
    },
    carrier: {
      email: "bench-carrier@example.com",
      ...(await ensureBenchUser(db, {
        email: "bench-carrier@example.com",
        name: "Bench Carrier Portal",
        role: "carrier",
        accountId: c.carrier.id,
      })),
      role: "carrier" as const,
      accountId: c.carrier.id,
    },
  };
  const out = {} as Users;
  for (const [viewer, u] of Object.entries(made) as [Viewer, (typeof made)[Viewer]][]) {
    const policy = await cdrViewerPolicy(db, {
      id: u.id,
      role: u.role,
      timeZone: "UTC",
      accountId: u.accountId,
    });
    if (!policy) throw new BenchError(`the bench ${viewer} has no CDR access`);
    out[viewer] = { id: u.id, email: u.email, password: u.password, policy };
  }
  return out;
}

const goalsOf = (r: CdrResult) => {
  if (r.scenario.kind === "breakout") {
    return {
      query: r.product.p95 <= BREAKOUT_QUERY_P95_MS,
      page: r.http ? r.http.timing.p95 <= BREAKOUT_PAGE_P95_MS : null,
    };
  }
  return { query: r.product.median <= CDR_RATIO * r.raw.median, page: null };
};

/**
 * Measures the CDR scenarios and returns the RESULTS.md section (written even when the HTTP part
 * failed, with its error). `databaseUrl` is for the app the HTTP part starts.
 */
export async function runCdrPart(
  app: Db,
  client: Sql,
  raw: Raw,
  capture: Capture,
  databaseUrl: string,
): Promise<{ section: string; httpError: string | null }> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  // The CDR pages seal each row's reference with the app's secret: any secret does here.
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  const context = await readContext(raw);
  console.log(
    `\nCDRs: ${fmtInt(context.cdrs)} rows, cdr_daily ${fmtInt(context.daily)} rows, ` +
      `${context.from} to ${context.last}; busiest customer ${context.customer.name}, ` +
      `carrier ${context.carrier.name}`,
  );
  const users = await benchUsers(app, context);
  const scenarios = buildScenarios(context);

  const results: CdrResult[] = [];
  for (const scenario of scenarios) {
    const { policy } = users[scenario.viewer];
    const statements = await capture((db) => productRun(db, policy, scenario));
    const answer = await productRun(app, policy, scenario);
    const canned = await cannedDb(client, statements);
    const js = await measure(() => productRun(canned, policy, scenario), JS_LOOP);
    const [product, rawTiming] = await measureInterleaved(
      [
        () => productRun(app, policy, scenario),
        async () => {
          for (const s of statements) await raw(s.sql, s.params);
        },
      ],
      QUERY_LOOP,
    );
    results.push({
      scenario,
      statements,
      product: product!,
      raw: rawTiming!,
      js,
      answer,
      http: null,
      plans: [],
    });
    console.log(
      `${scenario.label.padEnd(64)} product ${fmtMs(product!.median).padStart(7)} / ` +
        `${fmtMs(product!.p95).padStart(7)}  raw ${fmtMs(rawTiming!.median).padStart(7)} / ` +
        `${fmtMs(rawTiming!.p95).padStart(7)}  js ${fmtMs(js.median).padStart(6)} ms (p50 / p95), ${answer}`,
    );
  }

  // What of a page's JavaScript is sealing: 50 row references (together) and the two cursors.
  const refIds = Array.from({ length: 50 }, (_, i) => 1_000_000 + i);
  const sealing = await measure(async () => {
    sealCdrRefs(refIds);
    for (const way of ["after", "before"] as const) {
      sealCdrCursor({ way, at: "2026-11-29T10:00:00.123456Z", id: 1_000_000 });
    }
  }, JS_LOOP);

  let httpError: string | null = null;
  try {
    await measureHttp(databaseUrl, users, results);
  } catch (err) {
    httpError = err instanceof Error ? err.message : String(err);
    console.error(`CDR HTTP part failed: ${httpError}`);
  }

  // Plans for what missed a goal or is slow, so the report says where the time goes.
  for (const r of results) {
    const goals = goalsOf(r);
    if (goals.query && goals.page !== false && r.product.p95 <= BREAKOUT_QUERY_P95_MS) continue;
    for (const s of r.statements) {
      try {
        r.plans.push({ sql: s.sql, plan: (await explain(raw, s.sql, s.params)).plan });
      } catch (err) {
        r.plans.push({ sql: s.sql, plan: [`EXPLAIN failed: ${(err as Error).message}`] });
      }
    }
  }

  const section = renderSection({
    startedAt,
    loadBefore,
    loadAfter: os.loadavg(),
    context,
    results,
    httpError,
    sealMs: sealing.median,
  });
  return { section, httpError };
}

async function measureHttp(databaseUrl: string, users: Users, results: CdrResult[]): Promise<void> {
  console.log("\nCDR pages over HTTP: starting the app (builds if needed)…");
  const server = await startApp(databaseUrl);
  try {
    const sessions = {} as Record<Viewer, Session>;
    for (const viewer of ["admin", "customer", "carrier"] as const) {
      sessions[viewer] = new Session(server.baseUrl);
      await sessions[viewer].signIn(users[viewer].email, users[viewer].password);
    }
    const get = (s: CdrScenario) =>
      sessions[s.viewer].page(pathOf(s), markerOf(s), `the ${s.kind} page`);
    for (let round = 0; round < HTTP_WARM_ROUNDS; round++) {
      for (const r of results) await get(r.scenario);
    }
    for (const r of results) {
      const bytes = await get(r.scenario);
      const timing = await measure(() => get(r.scenario), HTTP_LOOP);
      r.http = { timing, bytes };
      console.log(
        `${r.scenario.label.padEnd(64)} GET ${fmtMs(timing.median).padStart(7)} / ` +
          `${fmtMs(timing.p95).padStart(7)} ms (p50 / p95), ${fmtInt(bytes)} bytes`,
      );
    }
  } finally {
    await server.stop();
  }
}

const yesNo = (met: boolean | null) => (met === null ? "—" : met ? "met" : "**not met**");

function renderSection(r: {
  startedAt: Date;
  loadBefore: number[];
  loadAfter: number[];
  context: Context;
  results: CdrResult[];
  httpError: string | null;
  sealMs: number;
}): string {
  const c = r.context;
  const breakout = r.results.filter((x) => x.scenario.kind === "breakout");
  const pages = r.results.filter((x) => x.scenario.kind === "page");
  const count = (xs: CdrResult[], f: (x: CdrResult) => boolean | null) => {
    const judged = xs.filter((x) => f(x) !== null);
    return `${judged.filter((x) => f(x)).length} of ${judged.length}`;
  };
  const missed = (xs: CdrResult[], f: (x: CdrResult) => boolean | null) => {
    const keys = xs.filter((x) => f(x) === false).map((x) => x.scenario.key);
    return keys.length ? ` (missed: ${keys.join(", ")})` : "";
  };
  const row = (x: CdrResult) => {
    const goals = goalsOf(x);
    const h = x.http;
    return (
      `| ${x.scenario.key} | ${x.scenario.viewer} | ${x.answer} | ${x.statements.length} | ` +
      `${fmtMs(x.product.median)} / ${fmtMs(x.product.p95)} | ${fmtMs(x.raw.median)} / ${fmtMs(x.raw.p95)} | ` +
      `${fmtRatio(x.product.median / x.raw.median)} | ${fmtMs(x.js.median)} | ` +
      `${h ? `${fmtMs(h.timing.median)} / ${fmtMs(h.timing.p95)}` : "—"} | ` +
      `${h ? `${(h.bytes / 1024).toFixed(0)} KB` : "—"} | ` +
      (x.scenario.kind === "breakout"
        ? `query ${yesNo(goals.query)}, page ${yesNo(goals.page)}`
        : `≤ 2× raw ${yesNo(goals.query)}`) +
      " |"
    );
  };
  const header = [
    "| scenario | viewer | answer | statements | product p50 / p95 (ms) | raw p50 / p95 (ms) | product ÷ raw (p50) | JS alone p50 (ms) | HTTP p50 / p95 (ms) | page size | goals |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  const lines = [
    START,
    "## CDRs: pages and breakout report",
    "",
    "Written by `npm run bench` (bench/lib/cdr-mix.ts; `BENCH_PART=cdrs` runs this part alone and keeps the rest of this file).",
    "",
    `- Date: ${r.startedAt.toISOString()}`,
    `- Machine: ${os.cpus()[0]?.model ?? "unknown"}, ${os.cpus().length} cores; RAM ${fmtBytes(os.totalmem())}; Node ${process.version}; the bench cluster with the query settings of the audit section above`,
    `- Load average (1/5/15 min) at the start: ${r.loadBefore.map((l) => l.toFixed(2)).join(" / ")}, at the end: ${r.loadAfter.map((l) => l.toFixed(2)).join(" / ")} — the machine is shared with other work`,
    `- Data: cdrs ${fmtInt(c.cdrs)} rows (${fmtBytes(c.cdrBytes)} with indexes), ${c.from} to ${c.last} (30 days); cdr_daily ${fmtInt(c.daily)} rows (${fmtBytes(c.dailyBytes)})`,
    `- Accounts looked at: the busiest customer, ${c.customer.name} (#${c.customer.id}), and the busiest carrier, ${c.carrier.name} (#${c.carrier.id}); "${c.dest}" is that customer's busiest breakout, "${c.rareDest}" its 20th`,
    "",
    "How it is measured: each scenario's product function (`findBreakoutReport` with the params `parseBreakoutParams` reads from the URL, `findCdrPage` with `parseCdrPageParams`'s) runs with the viewer policy `cdrViewerPolicy` gives a bench user (the bench admin; portal users of the busiest customer and carrier), interleaved with the statements it sent replayed raw through postgres.js. The breakout report sends three statements (rows, totals, chart) at once over the app's pool; the raw replay runs them one after another on one connection, so the product can be faster than raw there. Then the page over HTTP, signed in as that viewer, against the production build (`npm start`), after " +
      `${HTTP_WARM_ROUNDS} warm rounds of every page. ${QUERY_LOOP.iterations} query runs / ${HTTP_LOOP.iterations} requests per scenario (fewer if the time budget runs out).`,
    "",
    ...header,
    ...r.results.map(row),
    "",
    "### Goals (issue 12)",
    "",
    `- breakout query p95 ≤ ${BREAKOUT_QUERY_P95_MS} ms: ${count(breakout, (x) => goalsOf(x).query)}${missed(breakout, (x) => goalsOf(x).query)}`,
    `- breakout page p95 ≤ ${BREAKOUT_PAGE_P95_MS} ms: ${count(breakout, (x) => goalsOf(x).page)}${missed(breakout, (x) => goalsOf(x).page)}`,
    `- CDR pages: product ≤ ${CDR_RATIO}× raw (p50): ${count(pages, (x) => goalsOf(x).query)}${missed(pages, (x) => goalsOf(x).query)}`,
    "- ingest ≥ 20,000 CDRs/s with roll-ups: see “CDRs: ingest” below",
    ...(r.httpError ? ["", `**The HTTP part failed**: ${r.httpError.split("\n")[0]}`] : []),
    ...notesFor(r.results, c, r.sealMs),
  ];
  const planned = r.results.filter((x) => x.plans.length > 0);
  if (planned.length > 0) {
    lines.push("", "### Plans of what missed a goal or is slow", "");
    for (const x of planned) {
      lines.push(`<details><summary>${x.scenario.key}: ${x.scenario.label}</summary>`, "");
      for (const p of x.plans) {
        lines.push(
          "```sql",
          p.sql.replace(/\s+/g, " ").trim(),
          "```",
          "",
          "```",
          ...p.plan,
          "```",
          "",
        );
      }
      lines.push("</details>", "");
    }
  }
  lines.push("", END);
  return lines.join("\n");
}

/** What the figures say where a goal is missed: written from this run's numbers. */
function notesFor(results: CdrResult[], c: Context, sealMs: number): string[] {
  const notes: string[] = [];
  const slowReports = results.filter((x) => x.scenario.kind === "breakout" && !goalsOf(x).query);
  if (slowReports.length > 0) {
    notes.push(
      `- ${slowReports.map((x) => x.scenario.key).join(", ")}: the report over all accounts grouped by more than the breakout (here the customer too) reads cdr_daily for the range, ${fmtInt(c.daily)} rows (one per day × customer × carrier × both breakout names × currencies), and aggregates them three times — rows, totals and chart, sent at once, each a parallel sequential scan on 2 cores; the plans show shared-buffer hits only, the time in the aggregates over every row. Grouped by breakout alone the same report reads cdr_daily_breakout (${fmtInt(c.dailyByDest)} rows for these 30 days, ${(c.daily / c.dailyByDest).toFixed(0)}× fewer), kept by ingestCdrs in the same statement. A roll-up per customer × breakout would do the same for this grouping, at the cost of a third upsert per ingest batch. The one-account reports read through the (customer_id, day) and (carrier_id, day) indexes and are inside the goal.`,
    );
  }
  const bigPages = results.filter(
    (x) => x.scenario.kind === "breakout" && goalsOf(x).page === false,
  );
  for (const x of bigPages) {
    const h = x.http!;
    notes.push(
      `- ${x.scenario.key}: page p95 ${fmtMs(h.timing.p95)} ms for ${(h.bytes / 1024).toFixed(0)} KB of HTML (${x.answer}), its query ${fmtMs(x.product.median)} ms at p50: ` +
        (x.product.p95 > BREAKOUT_QUERY_P95_MS
          ? "the query and rendering that many rows both weigh."
          : "the query is not what is slow; rendering the page and the machine's other load are."),
    );
  }
  const ratioMisses = results.filter((x) => x.scenario.kind === "page" && !goalsOf(x).query);
  if (ratioMisses.length > 0) {
    notes.push(
      `- ${ratioMisses.map((x) => x.scenario.key).join(", ")}: product over 2× raw on statements of ${ratioMisses.map((x) => fmtMs(x.raw.median)).join(", ")} ms. Their JavaScript alone (the function on canned rows: params and policy checks, Drizzle building the SQL, mapping 51 rows, sealing the page's row references (one AES call) and its cursors (AES-GCM), ${fmtMs(sealMs)} ms of it) takes ${ratioMisses.map((x) => fmtMs(x.js.median)).join(", ")} ms — a fixed cost per page that shows as a ratio only when the statement takes a millisecond or two; the plans are index scans of the first 51 rows.`,
    );
  }
  return notes.length ? ["", "### Notes", "", ...notes] : [];
}

/** `text` with the CDR pages section set to `section`, or to the one `previous` had. */
export function withCdrPagesSection(
  text: string,
  section: string | null,
  previous: string,
): string {
  const extract = (t: string) => {
    const start = t.indexOf(START);
    const end = t.indexOf(END);
    return start === -1 || end === -1 ? null : { start, end: end + END.length };
  };
  const kept = extract(previous);
  const wanted = section ?? (kept ? previous.slice(kept.start, kept.end) : null);
  if (!wanted) return text;
  const at = extract(text);
  if (at) return text.slice(0, at.start) + wanted + text.slice(at.end);
  return `${text.trimEnd()}\n\n${wanted}\n`;
}

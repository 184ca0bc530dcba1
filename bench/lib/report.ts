import type { Machine } from "./machine";
import { machineLines } from "./machine";
import type { Scenario } from "./mix";
import { fmtSeconds } from "./process";
import { fmtMs, fmtRatio, HTTP_WARM_ROUNDS, type Timing } from "./stats";

/** Everything measured for one query of the mix. */
export type QueryResult = {
  scenario: Scenario;
  /** The SQL the product sent (one statement, two for a count above the cap). */
  statements: { sql: string; params: unknown[] }[];
  product: Timing;
  raw: Timing;
  naive: Timing;
  /** The product's functions on canned rows: their JavaScript alone, no database. */
  js: Timing;
  naiveSql: string;
  /** What the product answered: rows on the page, or the count shown. */
  answer: string;
  naiveAnswer: string;
};

export type HttpResult = {
  scenario: Scenario;
  timing: Timing;
  bytes: number;
  /** The capped count the page runs concurrently with its rows (product path). */
  count: Timing;
};

export type Diagnosis = {
  key: string;
  what: string;
  sql: string;
  params: unknown[];
  plan: string[];
  summary: string[];
};

const RATIO_TARGET = 2;
export const HTTP_P95_TARGET_MS = 150;

/** Issue 11, part 7 (a lighter audit page): every page of the mix, signed in, over HTTP. */
export const PAGE_GOAL_P95_MS = 60;
export const PAGE_GOAL_KB = 80;
const kbOf = (bytes: number) => bytes / 1024;
export const pageGoalMet = (h: HttpResult) =>
  h.timing.p95 <= PAGE_GOAL_P95_MS && kbOf(h.bytes) <= PAGE_GOAL_KB;

/** A page as it was before that change (bench/baseline-page.json), to print beside each run. */
export type PageBaseline = {
  commit: string;
  date: string;
  pages: Record<string, { p50: number; p95: number; kb: number }>;
};

export const ratioMet = (r: QueryResult) => r.product.median <= RATIO_TARGET * r.raw.median;
export const httpMet = (h: HttpResult) => h.timing.p95 < HTTP_P95_TARGET_MS;

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

function queryTable(results: QueryResult[]): string[] {
  return table(
    [
      "query",
      "product p50",
      "p95",
      "raw p50",
      "p95",
      "product/raw",
      "product JS p50",
      "naive p50",
      "p95",
      "naive/product",
      "n (prod/raw/naive)",
      "answer",
    ],
    results.map((r) => [
      r.scenario.label,
      fmtMs(r.product.median),
      fmtMs(r.product.p95),
      fmtMs(r.raw.median),
      fmtMs(r.raw.p95),
      fmtRatio(r.product.median / r.raw.median),
      fmtMs(r.js.median),
      fmtMs(r.naive.median),
      fmtMs(r.naive.p95),
      fmtRatio(r.naive.median / r.product.median),
      `${r.product.n}/${r.raw.n}/${r.naive.n}`,
      r.answer,
    ]),
  );
}

function httpTable(results: HttpResult[], queries: QueryResult[]): string[] {
  return table(
    [
      "page",
      "p50 ms",
      "p95 ms",
      "min",
      "max",
      "n",
      "KB",
      "rows query p50",
      "count p50 / p95",
      "rest p50 (auth, render)",
      `p95 < ${HTTP_P95_TARGET_MS} ms`,
    ],
    results.map((h) => {
      const rows = queries.find((q) => q.scenario.key === h.scenario.key)?.product.median ?? 0;
      // The page awaits rows and count together, so the slower of the two is on its path.
      const rest = h.timing.median - Math.max(rows, h.count.median);
      return [
        h.scenario.label,
        fmtMs(h.timing.median),
        fmtMs(h.timing.p95),
        fmtMs(h.timing.min),
        fmtMs(h.timing.max),
        String(h.timing.n),
        (h.bytes / 1024).toFixed(0),
        fmtMs(rows),
        `${fmtMs(h.count.median)} / ${fmtMs(h.count.p95)}`,
        `≈ ${fmtMs(Math.max(0, rest))}`,
        httpMet(h) ? "met" : "**missed**",
      ];
    }),
  );
}

function pageGoalTable(results: HttpResult[], baseline: PageBaseline | null): string[] {
  return table(
    [
      "page",
      "before p95 ms",
      "before KB",
      "after p95 ms",
      "after KB",
      "goal",
      "p95 ×",
      "KB ×",
      "met",
    ],
    results.map((h) => {
      const was = baseline?.pages[h.scenario.key];
      const kb = kbOf(h.bytes);
      return [
        h.scenario.label,
        was ? fmtMs(was.p95) : "—",
        was ? String(was.kb) : "—",
        fmtMs(h.timing.p95),
        kb.toFixed(0),
        `≤ ${PAGE_GOAL_P95_MS} ms, ≤ ${PAGE_GOAL_KB} KB`,
        was ? fmtRatio(h.timing.p95 / was.p95) : "—",
        was ? fmtRatio(kb / was.kb) : "—",
        pageGoalMet(h)
          ? "met"
          : `**missed** (${[
              h.timing.p95 > PAGE_GOAL_P95_MS ? "p95" : "",
              kb > PAGE_GOAL_KB ? "KB" : "",
            ]
              .filter(Boolean)
              .join(", ")})`,
      ];
    }),
  );
}

function targetsTable(queries: QueryResult[], http: HttpResult[]): string[] {
  return table(
    ["query", `product ≤ ${RATIO_TARGET}× raw (p50)`, `page p95 < ${HTTP_P95_TARGET_MS} ms`],
    queries.map((q) => {
      const h = http.find((x) => x.scenario.key === q.scenario.key);
      return [
        q.scenario.label,
        `${ratioMet(q) ? "met" : "**missed**"} (${fmtRatio(q.product.median / q.raw.median)})`,
        h
          ? `${httpMet(h) ? "met" : "**missed**"} (${fmtMs(h.timing.p95)} ms)`
          : q.scenario.kind === "page"
            ? "not measured"
            : "— (part of every page)",
      ];
    }),
  );
}

export type Report = {
  startedAt: Date;
  finishedAt: Date;
  database: string;
  machine: Machine;
  loadAfter: number[];
  queries: QueryResult[];
  http: HttpResult[];
  diagnoses: Diagnosis[];
  notes: string[];
  /** The page before the lighter-page change, when bench/baseline-page.json is there. */
  baseline: PageBaseline | null;
};

export function renderMarkdown(r: Report): string {
  const m = r.machine;
  const lines: string[] = [
    "# Audit page benchmark",
    "",
    "Written by `npm run bench` (bench/run.ts); re-run it to refresh. Seed with `npm run bench:seed`.",
    "",
    `- Date: ${r.startedAt.toISOString()} (run took ${fmtSeconds(r.finishedAt.getTime() - r.startedAt.getTime())})`,
    `- Database: ${r.database}`,
    ...machineLines(m).map((l) => `- ${l}`),
    `- Load average at the end: ${r.loadAfter.map((l) => l.toFixed(2)).join(" / ")}`,
    "",
    "Index sizes:",
    "",
    ...table(
      ["index", "size"],
      m.indexes.map((i) => [i.name, `${(i.bytes / 1024 ** 2).toFixed(0)} MB`]),
    ),
    "",
  ];
  if (m.seedSteps.length > 0) {
    lines.push(
      "Seed timings (bench:seed, `INSERT … SELECT … generate_series`, indexes built after the load):",
      "",
      ...table(
        ["step", "seconds"],
        m.seedSteps.map((s) => [s.step, s.seconds.toFixed(1)]),
      ),
      "",
    );
  }
  lines.push(
    "## Data",
    "",
    `${m.rows.toLocaleString("en-US")} audit entries from ${m.window} (bench/seed.ts): ~200 actors ` +
      '("Portal" a quarter of the rows, ~115 staff, ~75 API labels "Owner · key name", 9 system ' +
      "actors), 5,000 accounts (skewed: a few busy ones), 30 table names (the 14 real ones and 16 " +
      "plausible others), all nine actions, the four actor types/channels, 3,000 addresses (400 " +
      "IPv6; NULL for system actors), numeric record_pk, ingress_id on ingress_routes rows, " +
      "related_ids on users/api_keys/…, messages in the product's wording with a long tail of rare " +
      "surnames, before/after jsonb of 5–20 keys.",
    "",
    "## How it is measured",
    "",
    "One process, one client connection at a time, queries in sequence. Per query of the page's mix:",
    "",
    "- **product**: the audit page's own path — URL params → `parseAuditPageParams` → `parseAuditQuery` " +
      "(search box and column filters) → `auditCriteriaCondition` → `findAuditPage` / `countAuditEntries` " +
      "through Drizzle on the product's postgres.js client (`openPostgres`), admin scope, all eight columns, " +
      "50 rows.",
    "- **raw**: the very statements the product sent (captured from Drizzle's logger, text + parameters), " +
      "run with postgres.js `sql.unsafe(text, params)`; product and raw runs alternate so that load from " +
      "other work on the machine weighs on both alike.",
    "- **naive**: what a typical admin tool does: the same filter, `ORDER BY` + `LIMIT 50 OFFSET n` " +
      "(n = 50 for the next page, 100,000 for the deep page), and an exact `count(*)` of the filtered set " +
      "for the counts. Its ORDER BY is `DESC NULLS LAST` like the product's, so it can use the same " +
      "indexes (see the notes for what a plain `DESC` costs). At OFFSET 0 or 50 its page is the " +
      "same plan as the product's without the keyset condition, run raw: compare it with the raw " +
      "column; what the naive approach loses is depth (OFFSET) and exact counts.",
    "- Each: warm-up (3 runs, 1 when a run is slow), then up to 30 timed runs (20 for HTTP) within a time " +
      "budget (at least 3; 5 for HTTP). Median and p95 (nearest rank) in milliseconds.",
    "- **product JS**: the product's functions on a driver that answers instantly with the same rows " +
      "(parsing, building the SQL, mapping rows, cursors): the part of product − raw that is JavaScript.",
    "- **HTTP**: `scripts/start.ts` (production build) against the bench database, signed in as an admin " +
      "(Auth.js credentials), `GET /audit-log?…` read to the end: session, column visibility, the rows " +
      "query and the capped count (run together), render. The capped count of each page's filter is also " +
      "timed on its own (product path) to show where a slow page's time goes. Before any page is timed, " +
      `the freshly started server serves the whole mix ${HTTP_WARM_ROUNDS} times (a server in use is warm; ` +
      "the first pages timed would otherwise pay for its JIT warm-up).",
    "",
    "## Query functions: product vs raw SQL vs naive",
    "",
    ...queryTable(r.queries),
    "",
    "## Full page over HTTP (signed in)",
    "",
    ...httpTable(r.http, r.queries),
    "",
    "## The lighter audit page: before, after, goal",
    "",
    `Issue 11, part 7: every page of the mix, signed in, over HTTP, p95 ≤ ${PAGE_GOAL_P95_MS} ms and ` +
      `≤ ${PAGE_GOAL_KB} KB (HTML with its inline RSC payload, 50 rows). "Before" is ` +
      (r.baseline
        ? `the run of ${r.baseline.date} (product ${r.baseline.commit}), kept in bench/baseline-page.json; ` +
          "timings are from another moment of a shared machine, so compare them as a trend. That run " +
          "timed each page after 3 warm-up requests only, on a freshly started server: its first " +
          "pages' tails include JIT warm-up, which the warm rounds above now take out. bench/PAGE-AB.md " +
          "compares the two builds under the same conditions."
        : "missing (bench/baseline-page.json not found)."),
    "",
    ...pageGoalTable(r.http, r.baseline),
    "",
    "## Targets (from the issue)",
    "",
    `Every page response p95 under ${HTTP_P95_TARGET_MS} ms; the product's query function within ` +
      `${RATIO_TARGET}× of raw SQL (medians).`,
    "",
    ...targetsTable(r.queries, r.http),
    "",
  );
  if (r.notes.length > 0) lines.push("## Notes", "", ...r.notes.map((n) => `- ${n}`), "");
  if (r.diagnoses.length > 0) {
    lines.push(
      "## Plans of the misses and slow queries",
      "",
      "`EXPLAIN (ANALYZE, BUFFERS)` of the statement the product sends, on the same data.",
      "",
    );
    for (const d of r.diagnoses) {
      lines.push(
        `### ${d.what}`,
        "",
        ...d.summary.map((s) => `- ${s}`),
        "",
        "<details><summary>SQL and full plan</summary>",
        "",
        "```sql",
        d.sql,
        `-- params: ${JSON.stringify(d.params)}`,
        "```",
        "",
        "```",
        ...d.plan,
        "```",
        "",
        "</details>",
        "",
      );
    }
  }
  return lines.join("\n");
}

/** A plain-text rendering of the same tables for stdout. */
export function renderConsole(r: Report): string {
  return [
    ...machineLines(r.machine),
    "",
    "Query functions (ms):",
    ...queryTable(r.queries),
    "",
    "Full page over HTTP (ms):",
    ...httpTable(r.http, r.queries),
    "",
    "Lighter page, before / after / goal:",
    ...pageGoalTable(r.http, r.baseline),
    "",
    "Targets:",
    ...targetsTable(r.queries, r.http),
    ...(r.notes.length > 0 ? ["", ...r.notes] : []),
  ].join("\n");
}

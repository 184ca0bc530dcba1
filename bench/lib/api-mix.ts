import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Db } from "@/db/client";
import { generateApiKey } from "@/lib/api-keys/keys";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { BenchError } from "./cluster";
import { groupCpuMs, processCpuMs, serverCpuMs } from "./cpu";
import { ensureBenchUser, startApp } from "./http";
import { TOTAL_ROWS } from "./dataset";
import { describeMachine } from "./machine";
import { fmtInt, intEnv } from "./process";
import { fmtMs, summarize, type Timing } from "./stats";

/**
 * The REST API half of `npm run bench` (issue 13): N clients, each with its own key, send PUTs
 * (If-Match from the previous answer's ETag, each client its own account and ingress route, so
 * none is stale) and POSTs on /api/v1/accounts and an account's ingress routes to the production
 * build for a fixed time; then every 2xx answer's X-Request-Id is looked up in audit_log: exactly
 * one entry each, with the verb, the table and the record.
 * Written to bench/RESULTS.md between its own markers.
 */

const START = "<!-- api: written by npm run bench (bench/lib/api-mix.ts) -->";
const END = "<!-- /api -->";

const GOAL_PER_SECOND = 500;
/**
 * The mix, cycled by each client: PUT its account, PUT its ingress route, POST an ingress route on
 * its account, PUT its account again, POST a new account. 3 in 5 are PUTs, 2 in 5 POSTs; 3 in 5
 * touch accounts, 2 in 5 ingress routes.
 */
const MIX = ["PUT account", "PUT ingress", "POST ingress", "PUT account", "POST account"] as const;
const WARMUP_PER_CLIENT = 25;
const BENCH_API_EMAIL = "bench-api@example.com";

type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
type Method = "POST" | "PUT";

type Resource = "accounts" | "ingress_routes";

type Sample = {
  method: Method;
  table: Resource;
  status: number;
  ms: number;
  requestId: string | null;
  /** The record the entry must be about: the account or ingress route changed or created. */
  recordId: number | null;
  name: string;
  /** Inside the timed window (not the warm-up). */
  timed: boolean;
};

const newAccount = (name: string) => ({
  type: "customer",
  name,
  currency: "usd",
  creditLimit: 500,
  channels: 30,
  cps: 5,
});

const details = (name: string, n: number) => ({
  name,
  creditLimit: 750,
  channels: n % 1000,
  cps: 5,
  billingEmail: "noc@bench.example",
  country: "GB",
});

const ingressDetails = (name: string, n: number) => ({
  name,
  techPrefix: `${100 + (n % 800)}#`,
  allowedIps: ["198.51.100.0/24"],
  channels: n % 1000,
  cps: 5,
  maxDurationS: 7200,
  status: "active",
});

type Client = {
  key: string;
  accountId: number;
  etag: string;
  ingressId: number;
  ingressEtag: string;
};

async function send(
  baseUrl: string,
  key: string,
  method: Method,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ res: Response; json: { id?: number } | null; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: { id?: number } | null = null;
  try {
    json = JSON.parse(text) as { id?: number };
  } catch {
    // a problem document or an empty body: the status says enough
  }
  if (res.status >= 500)
    console.error(`  ${method} ${path} → ${res.status}: ${text.slice(0, 200)}`);
  return { res, json, ms };
}

/** One client's loop: mutations until `until` (performance.now()), or `count` of them. */
async function clientLoop(
  baseUrl: string,
  client: Client,
  index: number,
  stop: { until?: number; count?: number },
  timed: boolean,
  out: Sample[],
): Promise<void> {
  for (let i = 0; ; i++) {
    if (stop.count !== undefined && i >= stop.count) return;
    if (stop.until !== undefined && performance.now() >= stop.until) return;
    const tag = `${index}-${randomUUID().slice(0, 8)}`;
    const step = MIX[i % MIX.length]!;
    const record = (
      method: Method,
      table: Resource,
      sent: Awaited<ReturnType<typeof send>>,
      recordId: number | null,
      name: string,
    ) =>
      out.push({
        method,
        table,
        status: sent.res.status,
        ms: sent.ms,
        requestId: sent.res.headers.get("x-request-id"),
        recordId,
        name,
        timed,
      });
    if (step === "POST account") {
      const name = `Bench API ${tag} new`;
      const sent = await send(baseUrl, client.key, "POST", "/accounts", newAccount(name));
      record("POST", "accounts", sent, sent.json?.id ?? null, name);
    } else if (step === "POST ingress") {
      const name = `Bench trunk ${tag}`;
      const sent = await send(
        baseUrl,
        client.key,
        "POST",
        `/accounts/${client.accountId}/ingress`,
        ingressDetails(name, i),
      );
      record("POST", "ingress_routes", sent, sent.json?.id ?? null, name);
    } else if (step === "PUT ingress") {
      const name = `Bench trunk client ${tag}`;
      const sent = await send(
        baseUrl,
        client.key,
        "PUT",
        `/ingress/${client.ingressId}`,
        ingressDetails(name, i),
        { "if-match": client.ingressEtag },
      );
      const etag = sent.res.headers.get("etag");
      if (sent.res.ok && etag) client.ingressEtag = etag;
      record("PUT", "ingress_routes", sent, client.ingressId, name);
    } else {
      const name = `Bench API client ${tag}`;
      const sent = await send(
        baseUrl,
        client.key,
        "PUT",
        `/accounts/${client.accountId}`,
        details(name, i),
        { "if-match": client.etag },
      );
      const etag = sent.res.headers.get("etag");
      if (sent.res.ok && etag) client.etag = etag;
      record("PUT", "accounts", sent, client.accountId, name);
    }
  }
}

type ApiResult = {
  clients: number;
  seconds: number;
  elapsedMs: number;
  samples: Sample[];
  all: Timing;
  byMethod: Record<Method, Timing | null>;
  perSecond: number;
  failures: Record<string, number>;
  /** CPU milliseconds spent in the timed window: the app, Postgres, this process (the clients). */
  cpu: { app: number | null; postgres: number | null; clients: number };
  /** Transactions committed in the bench database during the timed window. */
  commits: number;
  check: { expected: number; found: number; once: number; matching: number; problems: string[] };
};

/** Keys, accounts, the timed run, then the audit check. */
async function measureApi(db: Db, raw: Raw, databaseUrl: string): Promise<ApiResult> {
  const clients = intEnv("BENCH_API_CLIENTS", 8, 1, 64);
  const seconds = intEnv("BENCH_API_SECONDS", 30, 1, 3600);
  const owner = await ensureBenchUser(db, {
    email: BENCH_API_EMAIL,
    name: "Bench API",
    role: "admin",
    accountId: null,
  });
  const [ownerRow] = await raw(`select id, name, email, role from users where id = $1`, [owner.id]);
  const actor = actorForUser(
    {
      id: owner.id,
      name: String(ownerRow!.name),
      email: String(ownerRow!.email),
      role: "admin",
    },
    { ip: null, userAgent: "bench", requestId: randomUUID() },
  );
  const keys: string[] = [];
  for (let c = 0; c < clients; c++) {
    const key = await generateApiKey(db, actor, {
      name: `bench client ${c} ${new Date().toISOString()}`,
      scope: "read_write",
      expiresAt: null,
    });
    keys.push(key.secret);
  }

  // The limit is per key and minute: far above what one client can send, so nothing is a 429.
  const server = await startApp(databaseUrl, { API_RATE_LIMIT_PER_MINUTE: "1000000" });
  try {
    const list: Client[] = [];
    for (const [c, key] of keys.entries()) {
      const { res, json } = await send(
        server.baseUrl,
        key,
        "POST",
        "/accounts",
        newAccount(`Bench API client ${c}`),
      );
      if (res.status !== 201 || !json?.id) {
        throw new BenchError(`creating client ${c}'s account answered ${res.status}`);
      }
      const trunk = await send(
        server.baseUrl,
        key,
        "POST",
        `/accounts/${json.id}/ingress`,
        ingressDetails(`Bench trunk client ${c}`, c),
      );
      if (trunk.res.status !== 201 || !trunk.json?.id) {
        throw new BenchError(`creating client ${c}'s ingress route answered ${trunk.res.status}`);
      }
      list.push({
        key,
        accountId: json.id,
        etag: res.headers.get("etag") ?? '"v1"',
        ingressId: trunk.json.id,
        ingressEtag: trunk.res.headers.get("etag") ?? '"v1"',
      });
    }
    const samples: Sample[] = [];
    console.log(`  ${clients} clients: ${WARMUP_PER_CLIENT} warm-up mutations each…`);
    await Promise.all(
      list.map((client, c) =>
        clientLoop(server.baseUrl, client, c, { count: WARMUP_PER_CLIENT }, false, samples),
      ),
    );
    console.log(`  timed: ${seconds} s of ${MIX.join(", ")}…`);
    const [{ dir } = { dir: "" }] = await raw(`select current_setting('data_directory') as dir`);
    const group = server.processGroup;
    const cpuNow = () => ({
      app: group === undefined ? null : groupCpuMs(group),
      postgres: serverCpuMs(String(dir)),
      clients: processCpuMs(),
    });
    const commits = async () => {
      const [row] = await raw(
        `select xact_commit::float8 as n from pg_stat_database where datname = current_database()`,
      );
      return Number(row?.n ?? 0);
    };
    const cpuBefore = cpuNow();
    const commitsBefore = await commits();
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      list.map((client, c) => clientLoop(server.baseUrl, client, c, { until }, true, samples)),
    );
    const elapsedMs = performance.now() - started;
    const cpuAfter = cpuNow();
    // The statistics collector reports with a delay of up to half a second.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const commitCount = (await commits()) - commitsBefore;
    const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);

    const timed = samples.filter((s) => s.timed);
    const ok = timed.filter((s) => s.status >= 200 && s.status < 300);
    const failures: Record<string, number> = {};
    for (const s of samples.filter((x) => x.status < 200 || x.status >= 300)) {
      failures[`${s.method} ${s.status}`] = (failures[`${s.method} ${s.status}`] ?? 0) + 1;
    }
    const timing = (of: Sample[]) => (of.length ? summarize(of.map((s) => s.ms)) : null);
    return {
      clients,
      seconds,
      elapsedMs,
      samples,
      all: timing(timed)!,
      byMethod: {
        POST: timing(timed.filter((s) => s.method === "POST")),
        PUT: timing(timed.filter((s) => s.method === "PUT")),
      },
      perSecond: ok.length / (elapsedMs / 1000),
      failures,
      cpu: {
        app: delta(cpuBefore.app, cpuAfter.app),
        postgres: delta(cpuBefore.postgres, cpuAfter.postgres),
        clients: cpuAfter.clients - cpuBefore.clients,
      },
      commits: commitCount,
      check: await checkEntries(raw, samples),
    };
  } finally {
    await server.stop();
  }
}

/** Every 2xx answer (warm-up included) must have exactly one entry, with its verb and record. */
async function checkEntries(raw: Raw, samples: Sample[]): Promise<ApiResult["check"]> {
  const ok = samples.filter((s) => s.status >= 200 && s.status < 300);
  const problems: string[] = [];
  const missingId = ok.filter((s) => !s.requestId).length;
  if (missingId) problems.push(`${missingId} answers without X-Request-Id`);
  const ids = ok.map((s) => s.requestId).filter((id): id is string => Boolean(id));
  const rows = await raw(
    `select request_id, count(*)::int as n, min(action::text) as action,
       min(table_name) as table_name, min(record_pk) as record, min(after->>'name') as name
     from audit_log where request_id = any($1::text[]) group by request_id`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [String(r.request_id), r]));
  let once = 0;
  let matching = 0;
  for (const s of ok) {
    const row = s.requestId ? byId.get(s.requestId) : undefined;
    if (!row) continue;
    if (Number(row.n) === 1) once++;
    else problems.push(`${s.method} ${s.requestId}: ${String(row.n)} entries`);
    if (
      row.action === s.method &&
      row.table_name === s.table &&
      row.record === String(s.recordId) &&
      row.name === s.name
    ) {
      matching++;
    } else if (problems.length < 20) {
      problems.push(`${s.method} ${s.requestId}: entry ${JSON.stringify(row)} does not match`);
    }
  }
  if (byId.size < ok.length) problems.push(`${ok.length - byId.size} 2xx answers have no entry`);
  return { expected: ok.length, found: byId.size, once, matching, problems };
}

/** The API part: measures, prints, and returns its RESULTS.md section. */
export async function runApiPart(
  db: Db,
  raw: Raw,
  databaseUrl: string,
  database: string,
): Promise<{ section: string; error: string | null }> {
  const startedAt = new Date();
  const machine = await describeMachine(raw);
  console.log("\nAPI: keys, the app (builds if needed), then the timed mutations…");
  const r = await measureApi(db, raw, databaseUrl);
  const loadAfter = os.loadavg();
  const ok = r.samples.filter((s) => s.timed && s.status >= 200 && s.status < 300).length;
  const lost = r.check.expected - r.check.matching;
  const met = r.perSecond >= GOAL_PER_SECOND && lost === 0 && r.check.problems.length === 0;
  const fmtT = (t: Timing | null) =>
    t ? `${fmtMs(t.median)} / ${fmtMs(t.p95)} / ${fmtMs(t.max)} (n=${fmtInt(t.n)})` : "—";
  const failures = Object.entries(r.failures)
    .map(([k, n]) => `${k}: ${fmtInt(n)}`)
    .join(", ");
  console.log(
    `  ${fmtInt(ok)} 2xx mutations in ${(r.elapsedMs / 1000).toFixed(1)} s: ` +
      `${r.perSecond.toFixed(0)}/s; p50 / p95 / max ${fmtT(r.all)} ms; ` +
      `entries: ${fmtInt(r.check.matching)} of ${fmtInt(r.check.expected)} match` +
      (failures ? `; non-2xx ${failures}` : ""),
  );
  for (const p of r.check.problems.slice(0, 20)) console.error(`  ${p}`);
  for (const line of cpuLines(r, ok))
    console.log(`  ${line.replace(/^\| | \|$/g, "").replace(" | ", ": ")}`);

  const lines = [
    START,
    "",
    "## REST API: audited mutations",
    "",
    "Written by `npm run bench` (bench/lib/api-mix.ts; `BENCH_PART=api` runs this part alone and keeps the rest of this file; `BENCH_API_CLIENTS`, `BENCH_API_SECONDS`).",
    "",
    `- Date: ${startedAt.toISOString()} (run took ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s)`,
    `- Database: ${database}`,
    `- Product: commit ${machine.commit}; ${machine.migrations} migrations applied`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; PostgreSQL ${machine.postgres}; fsync=${machine.settings.fsync}, synchronous_commit=${machine.settings.synchronous_commit} (every change commits durably)`,
    `- Load average (1/5/15 min) at the start: ${machine.loadBefore.map((l) => l.toFixed(2)).join(" / ")}, at the end: ${loadAfter.map((l) => l.toFixed(2)).join(" / ")} — the machine is shared with other work`,
    `- audit_log at the start: ${fmtInt(machine.rows)} rows, ${machine.indexes.length} indexes (each entry updates all of them)` +
      (machine.rows < TOTAL_ROWS
        ? ` — not the ${fmtInt(TOTAL_ROWS)} rows of \`npm run bench:seed\`: on that table each insert also updates indexes of gigabytes, mostly cached (the audit section's data)`
        : ""),
    "",
    `How it is measured: the production build (\`npm start\`) with \`API_RATE_LIMIT_PER_MINUTE=1000000\`, ${r.clients} clients in this process, each with its own read-write key of an admin and its own account and ingress route, each sending one request at a time for ${r.seconds} s after ${WARMUP_PER_CLIENT} warm-up mutations, cycling through \`PUT /api/v1/accounts/{id}\`, \`PUT /api/v1/ingress/{id}\` (both with \`If-Match\` from the previous answer's ETag), \`POST /api/v1/accounts/{id}/ingress\`, \`PUT /api/v1/accounts/{id}\` and \`POST /api/v1/accounts\`. Each request goes through the whole door: key lookup and hash check, the key-usage note, the rate limiter's row in Postgres, body and If-Match, the operation's zod schema and permission, the change and its audit entry in one transaction, and the answer read back. Latency is the client's, from send to the last byte. Afterwards every 2xx answer's \`X-Request-Id\` is looked up in audit_log.`,
    "",
    "| measure | value |",
    "| --- | --: |",
    `| clients × time | ${r.clients} × ${(r.elapsedMs / 1000).toFixed(1)} s |`,
    `| 2xx mutations in the timed window | ${fmtInt(ok)} |`,
    `| throughput | **${r.perSecond.toFixed(0)} audited mutations/s** |`,
    `| all: p50 / p95 / max (ms) | ${fmtT(r.all)} |`,
    `| PUT: p50 / p95 / max (ms) | ${fmtT(r.byMethod.PUT)} |`,
    `| POST: p50 / p95 / max (ms) | ${fmtT(r.byMethod.POST)} |`,
    ...cpuLines(r, ok),
    `| non-2xx answers | ${failures || "none"} |`,
    `| 2xx answers (warm-up included) with exactly one entry of their verb, table and record | ${fmtInt(r.check.matching)} of ${fmtInt(r.check.expected)} |`,
    `| goal ≥ ${GOAL_PER_SECOND} audited mutations/s, none lost | ${met ? "met" : "**not met**"} |`,
    "",
    ...notes(r, ok).map((n) => `- ${n}`),
    "",
    ...(r.check.problems.length
      ? [
          "Problems found by the check:",
          "",
          ...r.check.problems.slice(0, 20).map((p) => `- ${p}`),
          "",
        ]
      : []),
    END,
  ];
  const error =
    lost > 0 || r.check.problems.length > 0
      ? `${fmtInt(lost)} of ${fmtInt(r.check.expected)} 2xx mutations without exactly one matching entry`
      : null;
  return { section: lines.join("\n"), error };
}

/**
 * CPU per mutation, and the rate it allows when nothing else runs on the machine: the clients
 * run elsewhere in production, so the app and Postgres share the cores.
 */
function cpuLines(r: ApiResult, ok: number): string[] {
  if (ok === 0) return [];
  const commits = `| Postgres transactions per mutation (a statement outside a transaction counts as one) | ${(r.commits / ok).toFixed(2)} |`;
  const per = (ms: number | null) => (ms === null ? null : ms / ok);
  const app = per(r.cpu.app);
  const pg = per(r.cpu.postgres);
  const clients = per(r.cpu.clients)!;
  const fmt = (ms: number | null) => (ms === null ? "—" : `${ms.toFixed(2)} ms`);
  const cores = os.cpus().length;
  const lines = [
    commits,
    `| CPU per mutation: app (Node, all its processes) | ${fmt(app)} |`,
    `| CPU per mutation: Postgres (all its processes) | ${fmt(pg)} |`,
    `| CPU per mutation: the bench's clients (this process) | ${fmt(clients)} |`,
  ];
  if (app !== null && pg !== null) {
    lines.push(
      `| implied on an idle ${cores}-core machine (app and Postgres only, clients elsewhere) | ${fmtInt((1000 * cores) / (app + pg))} mutations/s |`,
    );
  }
  return lines;
}

/** What the figures say about where the time goes. */
function notes(r: ApiResult, ok: number): string[] {
  const out: string[] = [];
  if (ok > 0 && r.cpu.app !== null && r.cpu.postgres !== null) {
    const app = r.cpu.app / ok;
    const pg = r.cpu.postgres / ok;
    const cores = os.cpus().length;
    out.push(
      `The app is one Node process whose JavaScript runs on one thread: its ${app.toFixed(1)} ms of CPU per mutation (all its threads, most of it that one) caps one instance at roughly ${fmtInt(1000 / app)} mutations/s however many cores there are; Postgres' ${pg.toFixed(1)} ms alone would allow about ${fmtInt((1000 * cores) / pg)}/s on ${cores} cores. The ceiling is the app's JavaScript per request, not the database: more app instances (they share the limiter's and the idempotency rows in Postgres) or less work per request raise it.`,
    );
  }
  out.push(
    "A CPU profile of the app during a 10 s run of an earlier version of this bench (2026-11-30, accounts only, load average about 10, so every figure inflated alike; then 9.5 ms per mutation) split the app's busy time per mutation roughly: Next's route handling 3.5 ms, Drizzle building queries 3.0 ms (its `is()` entity checks alone 0.5 ms), postgres.js 3.0 ms, web streams and undici 1.4 ms, garbage collection 1.0 ms, gzip of the JSON answers 0.8 ms (the clients send Accept-Encoding: gzip, as fetch does), zod 0.2 ms, the rest (Node internals, the app's own code) 3.1 ms; no function of the door's own code (key hash, peer seal, limiter call) was among the top 25 by self time. Since then the key and its owner are read in one statement and the proxy no longer runs on /api/v1. The four Postgres transactions per mutation: the key lookup, the limiter's upsert, the change with its entry, and the answer's read-back.",
    `So the goal of ${GOAL_PER_SECOND}/s is out of reach on this machine whatever the door does: app and Postgres together spend the CPU per mutation above, and 2 cores give ${fmtInt(1000 * os.cpus().length)} ms of CPU a second. It needs more cores for more app instances (the app keeps no state between requests; every shared counter is in Postgres), measured in the scaling work of issue 14.`,
  );
  return out;
}

/** Puts the API section into the file: new figures, else the previous run's, else nothing. */
export function withApiSection(text: string, section: string | null, previous: string): string {
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

// First: makes `next/navigation` loadable here as in Next's server bundle (see the file).
import "./lib/rsc-aliases";
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openPostgres, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { generateApiKey } from "@/lib/api-keys/keys";
import { systemActor } from "@/lib/audit/actor";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { queueEmail } from "@/lib/email/outbox";
import { seedDemo } from "@/seed/demo/demo";
import { startServer, type AppServer } from "@/tools/process/app-server";
import { freePort } from "@/tools/process/free-port";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { onTeardown } from "@/tools/process/teardown";
import { BenchError } from "./lib/cluster";
import { writeResultsSection } from "./lib/sections";
import { ensureBenchAdmin, ensureBenchUser, BENCH_ADMIN_EMAIL, Session } from "./lib/http";
import {
  checkIntegrity,
  verifyChain,
  verifyChainAcrossInstances,
  type ChainCheck,
  type IntegrityCheck,
} from "./lib/load-checks";
import { startLoadCluster, type LoadCluster } from "./lib/load-cluster";
import { PAGE_MARKER, Recorder, type Answer, type Kind } from "./lib/load-traffic";
import { describeMachine } from "./lib/machine";
import { fmtInt, intEnv, runScript } from "./lib/process";
import { fmtMs, summarize } from "./lib/stats";

/**
 * `npm run bench:load` (issue 14, items 4 and 6): two app instances (`npm start`'s server, the
 * production build) on two loopback ports against one throwaway Postgres with the demo data.
 * First the state the instances must share: a session cookie from one works on the other and a
 * sign-out on one ends it on both; sign-in throttling and the per-key rate limit count across
 * both; two outbox deliverers claim each message once. Then a steady load of signed-in audit
 * pages, searches and REST API mutations spread over both instances (autocannon), and a fault
 * phase under the same load in which one instance is SIGKILLed and restarted and, later, the
 * Postgres server. After each phase every acknowledged mutation is checked against audit_log.
 * Everything started is stopped at the end, also on errors and Ctrl-C. Writes its section of
 * bench/RESULTS.md.
 */

const WRITER = "npm run bench:load (bench/load.ts)";
const DATABASE = "trunkline_load";

const LOAD_SECONDS = intEnv("LOAD_SECONDS", 40, 10, 300);
const FAULT_SECONDS = intEnv("LOAD_FAULT_SECONDS", 60, 40, 300);
const CONNECTIONS = intEnv("LOAD_CONNECTIONS", 6, 1, 32);
/** Per key and minute, for both instances: low enough for the shared-limit check to reach. */
const RATE_LIMIT = 300;
/** The load's keys, taken in turn: each stays far below RATE_LIMIT. */
const LOAD_KEYS = 32;
const OUTBOX_MESSAGES = 400;
const THROTTLE_EMAIL = "load-throttle@example.com";
/** LOGIN_MAX_FAILURES_PER_EMAIL_IP for both instances (the default, said explicitly). */
const LOGIN_FAILURES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const since = (t: number) => (performance.now() - t) / 1000;

type Raw = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
type Check = { name: string; ok: boolean; detail: string };

type Instance = { name: string; port: number; server: AppServer };

/** Each instance's chain checkpoints, in a file of its own, as on separate machines. */
let checkpointDir = "";
const checkpointFile = (name: string) => path.join(checkpointDir, `checkpoints-${name}.jsonl`);

function startInstance(
  name: string,
  port: number,
  env: Record<string, string>,
): Promise<AppServer> {
  return startServer({
    command: path.join(process.cwd(), "node_modules", ".bin", "tsx"),
    args: [SERVER_CONDITION, "scripts/start.ts"],
    cwd: process.cwd(),
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      AUDIT_CHECKPOINT_FILE: checkpointFile(name),
    },
    port,
    // The first start after a source change runs `next build` (minutes on two cores); only the
    // first instance can, and the second starts once it is up.
    timeoutMs: name === "A" ? 20 * 60_000 : 120_000,
  });
}

/** SIGKILL of an instance's whole process group (tsx, Node, Next's workers): a crash. */
async function killInstance(server: AppServer): Promise<void> {
  const group = server.processGroup;
  if (group === undefined) throw new BenchError("the instance has no process group");
  process.kill(-group, "SIGKILL");
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-group, 0);
    } catch {
      return;
    }
    await sleep(25);
  }
  throw new BenchError("the instance survived SIGKILL for 5 s");
}

// ---------------------------------------------------------------------------------------------
// The shared state, checked across the two instances before the load.

async function checkSessions(a: string, b: string, adminPassword: string): Promise<Check[]> {
  const onA = new Session(a);
  await onA.signIn(BENCH_ADMIN_EMAIL, adminPassword);
  const onB = onA.on(b);
  const works = async (s: Session) => {
    const res = await s.fetch("/audit-log");
    const body = await res.text();
    return res.status === 200 && body.includes(PAGE_MARKER);
  };
  const checks: Check[] = [];
  const bWorks = await works(onB);
  checks.push({
    name: "a session cookie from instance A works on B",
    ok: bWorks,
    detail: bWorks ? "B rendered the audit page" : "B refused the cookie",
  });
  // Sign out on B; the copy of the same cookie, working on A until then, must stop working there.
  const aBefore = await works(onA);
  await onB.signOut();
  const aAfter = await works(onA);
  checks.push({
    name: "a sign-out on B ends the session on A",
    ok: aBefore && !aAfter,
    detail: !aBefore
      ? "A refused the cookie before the sign-out"
      : aAfter
        ? "A still served the page with the signed-out cookie"
        : "A served the page before the sign-out on B, and refused the cookie after it",
  });
  return checks;
}

async function checkThrottle(a: string, b: string, password: string, raw: Raw): Promise<Check> {
  const limit = LOGIN_FAILURES;
  // The wrong password `limit` times, alternating A and B; then the right one, on each.
  for (let i = 0; i < limit; i++) {
    const s = new Session(i % 2 === 0 ? a : b);
    await s.signIn(THROTTLE_EMAIL, "wrong-password").catch(() => {});
  }
  const outcomes: string[] = [];
  for (const base of [b, a]) {
    const s = new Session(base);
    outcomes.push(
      await s.signIn(THROTTLE_EMAIL, password).then(
        () => "signed in",
        () => "refused",
      ),
    );
  }
  const rows = await raw(
    `select outcome::text as outcome, count(*)::int as n from login_attempts
     where email = $1 group by outcome order by outcome`,
    [THROTTLE_EMAIL],
  );
  const counts = Object.fromEntries(rows.map((r) => [String(r.outcome), Number(r.n)]));
  const ok =
    outcomes.every((o) => o === "refused") && counts.invalid === limit && counts.throttled === 2;
  return {
    name: `sign-in throttling counts across instances (${limit} failures per email and IP)`,
    ok,
    detail:
      `${limit} wrong passwords alternating A/B, then the right one on B and on A: ${outcomes.join(", ")}; ` +
      `login_attempts: ${JSON.stringify(counts)}`,
  };
}

async function checkRateLimit(a: string, b: string, key: string, raw: Raw): Promise<Check> {
  const extra = 4;
  const statuses: number[] = [];
  let next = 0;
  const total = RATE_LIMIT + extra;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const res = await fetch(`${i % 2 === 0 ? a : b}/api/v1/accounts?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const ok2xx = statuses.filter((s) => s >= 200 && s < 300).length;
  const limited = statuses.filter((s) => s === 429).length;
  // Nothing else has used a key yet: the one row is this key's shared counter.
  const rows = await raw(`select key, points from api_rate_limits order by points desc`);
  const ok = ok2xx === RATE_LIMIT && limited === extra;
  return {
    name: `the per-key rate limit is one budget across instances (${RATE_LIMIT}/min)`,
    ok,
    detail: `${total} requests with one key, alternating A/B: ${ok2xx} answered 2xx, ${limited} 429${statuses.length - ok2xx - limited ? `, ${statuses.length - ok2xx - limited} other` : ""}; api_rate_limits: ${rows.map((r) => `${String(r.key)} at ${String(r.points)} points`).join(", ")}`,
  };
}

/** Messages queued through the product, then two deliverer processes claiming them at once. */
async function checkOutbox(db: Db, url: string, raw: Raw): Promise<Check> {
  const actor = systemActor("load test");
  const tag = randomUUID().slice(0, 8);
  const addresses: string[] = [];
  for (let i = 0; i < OUTBOX_MESSAGES; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, OUTBOX_MESSAGES - i) }, (_, j) => {
        const to = `outbox-${tag}-${i + j}@load.example`;
        addresses.push(to);
        return queueEmail(db, actor, {
          kind: "password_reset",
          toAddress: to,
          subject: "Load test",
          bodyText: "Load test message",
          userId: null,
          accountId: null,
        });
      }),
    );
  }
  const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
  const deliver = (name: string) =>
    new Promise<string[]>((resolve, reject) => {
      const child = spawn(tsx, [SERVER_CONDITION, "bench/load-deliverer.ts"], {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_URL: url, LOAD_DELIVER_UNTIL: String(Date.now() + 90_000) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stop = onTeardown(`stop outbox deliverer ${name}`, async () => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      child.on("exit", (code) => {
        void stop();
        if (code === 0)
          resolve(
            out
              .split("\n")
              .filter((l) => l.startsWith("SENT "))
              .map((l) => l.slice(5)),
          );
        else reject(new BenchError(`deliverer ${name} exited ${code}: ${err.slice(-500)}`));
      });
    });
  const [first, second] = await Promise.all([deliver("1"), deliver("2")]);
  const sent = new Map<string, number>();
  for (const to of [...first, ...second]) sent.set(to, (sent.get(to) ?? 0) + 1);
  const twice = [...sent.values()].filter((n) => n > 1).length;
  const missing = addresses.filter((a) => !sent.has(a)).length;
  const [state] = await raw(
    `select count(*) filter (where status = 'sent')::int as sent, count(*)::int as n
     from email_outbox where to_address like $1`,
    [`outbox-${tag}-%`],
  );
  const ok = twice === 0 && missing === 0 && Number(state?.sent) === OUTBOX_MESSAGES;
  return {
    name: "two outbox deliverers (FOR UPDATE SKIP LOCKED) send each message once",
    ok,
    detail:
      `${OUTBOX_MESSAGES} queued; deliverer 1 sent ${first.length}, deliverer 2 sent ${second.length}; ` +
      `sent twice: ${twice}, never sent: ${missing}; marked sent in email_outbox: ${String(state?.sent)} of ${String(state?.n)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The phases.

type PhaseResult = {
  name: string;
  seconds: number;
  answers: Answer[];
  errors: number;
  integrity: IntegrityCheck;
  events: string[];
  /** The largest entry and account ids before the phase. */
  marks: { entry: number; account: number };
};

async function marks(raw: Raw): Promise<{ entry: number; account: number }> {
  const [row] = await raw(
    `select (select coalesce(max(id), 0) from audit_log)::bigint as entry,
       (select coalesce(max(id), 0) from accounts)::bigint as account`,
  );
  return { entry: Number(row?.entry), account: Number(row?.account) };
}

async function runPhase(
  name: string,
  seconds: number,
  instances: Instance[],
  recorder: Recorder,
  openRaw: () => Promise<{ raw: Raw; end: () => Promise<void> }>,
  during?: (ctx: {
    started: number;
    runs: Map<string, { stop: () => void; done: Promise<void> }>;
    events: string[];
  }) => Promise<void>,
): Promise<PhaseResult> {
  const before = await openRaw();
  const since0 = await marks(before.raw);
  await before.end();
  const ackStart = recorder.acks.length;
  const answerStart = recorder.answers.length;
  const events: string[] = [];
  const runs = new Map<string, { stop: () => void; done: Promise<void> }>();
  const started = performance.now();
  for (const i of instances) {
    runs.set(i.name, recorder.start(i.server.baseUrl, i.name, name, CONNECTIONS, seconds + 120));
  }
  const timer = sleep(seconds * 1000);
  if (during) await during({ started, runs, events });
  await timer;
  for (const r of runs.values()) r.stop();
  await Promise.all([...runs.values()].map((r) => r.done));
  const elapsed = since(started);
  // In-flight requests were cut off: give any still committing a moment before the check.
  await sleep(1000);
  const after = await openRaw();
  try {
    const integrity = await checkIntegrity(
      after.raw,
      recorder.acks.slice(ackStart),
      since0.entry,
      since0.account,
    );
    let errors = 0;
    for (const [k, n] of recorder.errors) if (k.startsWith(`${name} `)) errors += n;
    return {
      name,
      seconds: elapsed,
      answers: recorder.answers.slice(answerStart),
      errors,
      integrity,
      events,
      marks: since0,
    };
  } finally {
    await after.end();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = new Date();
  const t0 = performance.now();
  console.log("Postgres: a throwaway cluster (synchronous commits)…");
  const cluster: LoadCluster = await startLoadCluster(DATABASE);
  checkpointDir = mkdtempSync(path.join(os.tmpdir(), "trunkline-load-checkpoints-"));
  onTeardown("remove the checkpoint files", async () =>
    rmSync(checkpointDir, { recursive: true, force: true }),
  );
  const openRaw = async () => {
    const client = postgres(cluster.url, { max: 2, onnotice: () => {}, connect_timeout: 10 });
    const raw: Raw = (text, params = []) =>
      client.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
    return { raw, client, end: () => client.end({ timeout: 5 }) };
  };

  const database = await openPostgres(cluster.url);
  let adminPassword: string;
  let keys: string[];
  let limitKey: string;
  let throttlePassword: string;
  try {
    await migrateDatabase(database);
    const seedStart = performance.now();
    await seedDemo(database.db, { cdrCount: 2_000 });
    console.log(`  migrated and seeded the demo data in ${since(seedStart).toFixed(1)} s`);
    adminPassword = await ensureBenchAdmin(database.db);
    throttlePassword = (
      await ensureBenchUser(database.db, {
        email: THROTTLE_EMAIL,
        name: "Load Throttle",
        role: "support",
        accountId: null,
      })
    ).password;
    const owner = await ensureBenchUser(database.db, {
      email: "load-api@example.com",
      name: "Load API",
      role: "admin",
      accountId: null,
    });
    const actor = actorForUser(
      { id: owner.id, name: "Load API", email: "load-api@example.com", role: "admin" },
      { ip: null, userAgent: "load test", requestId: randomUUID() },
    );
    keys = [];
    for (let k = 0; k <= LOAD_KEYS; k++) {
      const key = await generateApiKey(database.db, actor, {
        name: `load key ${k}`,
        scope: "read_write",
        expiresAt: null,
      });
      keys.push(key.secret);
    }
    limitKey = keys.pop()!;
  } catch (err) {
    await database.close();
    throw err;
  }
  const machineRaw = await openRaw();
  const machine = await describeMachine(machineRaw.raw);
  await machineRaw.end();

  // One secret for both: a deployment's instances share AUTH_SECRET, or no cookie crosses.
  const env = {
    DATABASE_URL: cluster.url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    API_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    LOGIN_MAX_FAILURES_PER_EMAIL_IP: String(LOGIN_FAILURES),
  };
  console.log("Instances: A (builds first if the sources changed), then B…");
  const portA = await freePort();
  const portB = await freePort();
  const startA = performance.now();
  const a: Instance = { name: "A", port: portA, server: await startInstance("A", portA, env) };
  console.log(`  A at ${a.server.baseUrl} in ${since(startA).toFixed(1)} s`);
  const b: Instance = { name: "B", port: portB, server: await startInstance("B", portB, env) };
  console.log(`  B at ${b.server.baseUrl}`);
  const setupSeconds = since(t0);

  console.log("Shared state across the instances…");
  const checks: Check[] = [];
  const checkRaw = await openRaw();
  try {
    checks.push(...(await checkSessions(a.server.baseUrl, b.server.baseUrl, adminPassword)));
    checks.push(
      await checkThrottle(a.server.baseUrl, b.server.baseUrl, throttlePassword, checkRaw.raw),
    );
    checks.push(await checkRateLimit(a.server.baseUrl, b.server.baseUrl, limitKey, checkRaw.raw));
  } finally {
    await checkRaw.end();
  }
  for (const c of checks) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);

  // The pages' session: signed in on A, used on both.
  const viewer = new Session(a.server.baseUrl);
  await viewer.signIn(BENCH_ADMIN_EMAIL, adminPassword);
  const recorder = new Recorder(keys, viewer.header(), randomUUID().slice(0, 6));

  console.log(
    `Load: ${LOAD_SECONDS} s on A and B, ${CONNECTIONS} connections each, with two outbox deliverers…`,
  );
  const outbox: { check?: Check } = {};
  const load = await runPhase("load", LOAD_SECONDS, [a, b], recorder, openRaw, async () => {
    const raw = await openRaw();
    try {
      outbox.check = await checkOutbox(database.db, cluster.url, raw.raw);
    } finally {
      await raw.end();
    }
  });
  if (outbox.check) {
    checks.push(outbox.check);
    console.log(
      `  ${outbox.check.ok ? "ok  " : "FAIL"} ${outbox.check.name}: ${outbox.check.detail}`,
    );
  }
  printPhase(load);

  console.log(`Faults: ${FAULT_SECONDS} s of the same load; SIGKILL of A, then of Postgres…`);
  const pg = { killedAt: 0, upAt: 0 };
  const fault = await runPhase("fault", FAULT_SECONDS, [a, b], recorder, openRaw, async (ctx) => {
    const at = (s: number) => sleep(Math.max(0, ctx.started + s * 1000 - performance.now()));
    const stamp = () => `${since(ctx.started).toFixed(1)} s`;
    await at(8);
    // A crashes; the proxy in front takes it out of rotation (its client stops) until it is back.
    await killInstance(a.server);
    ctx.runs.get("A")!.stop();
    const killedA = performance.now();
    ctx.events.push(`${stamp()}: SIGKILL of instance A's process group; its client stopped`);
    a.server = await startInstance("A", portA, env);
    ctx.events.push(
      `${stamp()}: A serves /login again, ${since(killedA).toFixed(1)} s after the kill; its client resumes`,
    );
    ctx.runs.set(
      "A",
      recorder.start(a.server.baseUrl, "A", "fault", CONNECTIONS, FAULT_SECONDS + 120),
    );
    await at(Math.max(since(ctx.started) + 8, FAULT_SECONDS / 2));
    const killedPg = performance.now();
    pg.killedAt = killedPg;
    const children = await cluster.kill();
    ctx.events.push(
      `${stamp()}: SIGKILL of the postmaster and its ${children} children; both instances keep serving what they can`,
    );
    await sleep(2000);
    await cluster.restart();
    ctx.events.push(
      `${stamp()}: Postgres up again on the same data directory after crash recovery, ${since(killedPg).toFixed(1)} s after the kill`,
    );
    pg.upAt = performance.now();
  });
  const firstMutation = fault.answers.find(
    (x) => x.at > pg.upAt && x.ok && (x.kind === "post" || x.kind === "put"),
  );
  const failedMeanwhile = fault.answers.filter(
    (x) => !x.ok && x.at >= pg.killedAt && x.at <= (firstMutation?.at ?? Infinity),
  ).length;
  // When the instances were back to half the rate of the 5 s before the kill, in 1 s windows.
  const okAt = fault.answers.filter((x) => x.ok).map((x) => x.at);
  const rate = (from: number, to: number) =>
    okAt.filter((t) => t >= from && t < to).length / ((to - from) / 1000);
  const before = rate(pg.killedAt - 5000, pg.killedAt);
  const lastAt = okAt.at(-1) ?? pg.upAt;
  let backAt: number | null = null;
  for (let t = pg.upAt; t + 1000 <= lastAt; t += 250) {
    if (rate(t, t + 1000) >= before / 2) {
      backAt = t + 1000;
      break;
    }
  }
  fault.events.push(
    backAt === null
      ? `Throughput never came back to half its rate before the Postgres kill (${before.toFixed(1)}/s)`
      : `Throughput back to half its rate of the 5 s before the Postgres kill (${before.toFixed(1)}/s) ${((backAt - pg.upAt) / 1000).toFixed(1)} s after Postgres was up`,
  );
  fault.events.push(
    firstMutation
      ? `First acknowledged mutation ${((firstMutation.at - pg.upAt) / 1000).toFixed(1)} s after Postgres was up (${((firstMutation.at - pg.killedAt) / 1000).toFixed(1)} s after its kill); ${fmtInt(failedMeanwhile)} failed answers in between`
      : "**No mutation was acknowledged after Postgres came back**",
  );
  printPhase(fault);
  if (process.env.LOAD_DEBUG) {
    console.log(`B's output:\n${b.server.output(60)}`);
    console.log(`A's output:\n${a.server.output(30)}`);
  }

  // Stopped first: each seals and writes a last checkpoint on the way out.
  await a.server.stop();
  await b.server.stop();
  await database.close();
  // A fresh pool: the one open through the Postgres kill would wait out its reconnect backoff.
  const verifier = await openPostgres(cluster.url);
  let chain: ChainCheck[];
  let control: Check;
  try {
    const sealFile = checkpointFile("seal");
    chain = await verifyChainAcrossInstances(verifier.db, sealFile, [
      { instance: "A", file: checkpointFile("A") },
      { instance: "B", file: checkpointFile("B") },
    ]);
    for (const c of chain) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
    // Last, as it edits the log: the checks must see a change made behind the audit's back.
    control = await negativeControl(
      openRaw,
      recorder,
      fault,
      (file) => verifyChain(verifier.db, file),
      sealFile,
    );
  } finally {
    await verifier.close();
  }
  console.log(`  ${control.ok ? "ok  " : "FAIL"} ${control.name}: ${control.detail}`);
  const totalSeconds = since(t0);
  const section = render({
    startedAt,
    machine,
    cluster,
    setupSeconds,
    totalSeconds,
    checks,
    control,
    phases: [load, fault],
    chain,
  });
  await writeResultsSection("load", WRITER, section);
  console.log(`\nWrote bench/RESULTS.md (whole run ${totalSeconds.toFixed(0)} s).`);

  const failed = [
    ...[...checks, control].filter((c) => !c.ok).map((c) => c.name),
    ...[load, fault]
      .filter(
        (p) => p.integrity.problems.length > 0 || p.integrity.matching < p.integrity.acknowledged,
      )
      .map((p) => `${p.name}: ${p.integrity.problems[0] ?? "mismatched entries"}`),
    ...chain.filter((c) => !c.ok).map((c) => c.name),
  ];
  if (failed.length) throw new BenchError(`failed: ${failed.join("; ")}`);
}

/**
 * The check is not vacuous: as the superuser with triggers off (the guards skipped), one account
 * of the fault phase is renamed without an entry and one acknowledged POST's entry is deleted;
 * checking the fault phase again must name both.
 */
async function negativeControl(
  openRaw: () => Promise<{ raw: Raw; client: postgres.Sql; end: () => Promise<void> }>,
  recorder: Recorder,
  fault: PhaseResult,
  verify: (checkpointFile: string) => ReturnType<typeof verifyChain>,
  checkpoints: string,
): Promise<Check> {
  const acks = recorder.acks.filter((x) => x.phase === "fault");
  const put = acks.findLast((x) => x.method === "PUT");
  const post = acks.find((x) => x.method === "POST" && x.accountId !== put?.accountId);
  const name =
    "the integrity check finds a change without its entry and an entry deleted, and the chain's verification names the deleted entry";
  if (!put || !post)
    return { name, ok: false, detail: "no acknowledged PUT and POST to tamper with" };
  const { raw, client, end } = await openRaw();
  try {
    const deleted = await client.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update accounts set name = name || ' (tampered)' where id = ${put.accountId}`;
      const rows =
        await tx`delete from audit_log where request_id = ${post.requestId} returning id`;
      return rows.map((r) => Number(r.id));
    });
    const again = await checkIntegrity(raw, acks, fault.marks.entry, fault.marks.account);
    const saw = (needle: string) => again.problems.some((p) => p.includes(needle));
    const foundChange = saw(`account ${put.accountId} holds`);
    const foundMissing = saw(
      `${post.requestId} (account ${post.accountId}): acknowledged, no entry`,
    );
    const report = await verify(checkpoints);
    const chainNamed =
      !report.ok &&
      deleted.length > 0 &&
      deleted.every((id) => report.problems.some((p) => p.entryId === id));
    return {
      name,
      ok: foundChange && foundMissing && chainNamed,
      detail:
        `account ${put.accountId} renamed and the entry of POST ${post.requestId} deleted as the superuser with triggers off: ` +
        `${foundChange ? "the rename was reported" : "**the rename was not reported**"}, ` +
        `${foundMissing ? "the missing entry was reported" : "**the missing entry was not reported**"}; ` +
        `the chain's verification ${chainNamed ? `failed naming entry ${deleted.join(", ")}` : `**did not name entry ${deleted.join(", ")}**`} (${report.problems
          .slice(0, 2)
          .map((p) => `${p.kind}: ${p.detail}`)
          .join("; ")})`,
    };
  } finally {
    await end();
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const KINDS: Kind[] = ["page", "search", "post", "put"];
const KIND_LABEL: Record<Kind, string> = {
  page: "audit page (signed in)",
  search: "audit page with ?q= search",
  post: "POST /api/v1/accounts",
  put: "PUT /api/v1/accounts/{id}",
};

function timing(answers: Answer[]): string {
  if (answers.length === 0) return "—";
  const t = summarize(answers.map((x) => x.ms));
  return `${fmtMs(t.median)} / ${fmtMs(t.p95)}`;
}

function phaseLines(p: PhaseResult): string[] {
  const ok = p.answers.filter((x) => x.ok);
  const failures = new Map<string, number>();
  for (const x of p.answers.filter((y) => !y.ok)) {
    const k = `${x.kind} ${x.status}`;
    failures.set(k, (failures.get(k) ?? 0) + 1);
  }
  const rows = KINDS.map((k) => {
    const of = ok.filter((x) => x.kind === k);
    return `| ${KIND_LABEL[k]} | ${fmtInt(of.length)} | ${(of.length / p.seconds).toFixed(1)} | ${timing(of)} |`;
  });
  const perInstance = ["A", "B"]
    .map((i) => `${i} ${fmtInt(ok.filter((x) => x.instance === i).length)}`)
    .join(", ");
  const i = p.integrity;
  return [
    `| request | answered well | per second | p50 / p95 ms |`,
    `| --- | --: | --: | --: |`,
    ...rows,
    `| **all** | **${fmtInt(ok.length)}** | **${(ok.length / p.seconds).toFixed(1)}** | ${timing(ok)} |`,
    "",
    `- ${p.seconds.toFixed(1)} s; answered well per instance: ${perInstance}; failed answers: ${[...failures].map(([k, n]) => `${k}: ${fmtInt(n)}`).join(", ") || "none"}; connection errors and timeouts: ${fmtInt(p.errors)}${p.name === "fault" ? " (autocannon reconnects at once after a refused connection, until the killed instance's client is stopped)" : ""}`,
    `- Acknowledged mutations (2xx): ${fmtInt(i.acknowledged)}; with exactly one entry of their verb, account, name and channels: **${fmtInt(i.matching)} of ${fmtInt(i.acknowledged)}**`,
    `- Entries on accounts written in the phase: ${fmtInt(i.entries)}, of which ${fmtInt(i.unacknowledged)} for requests that were never acknowledged (cut off by a fault or by the end of the phase, committed all the same); accounts whose row holds their newest entry's values: **${fmtInt(i.recordsAgree)} of ${fmtInt(i.records)}**; accounts created without an entry: ${i.problems.filter((x) => x.includes("without an entry")).length}`,
    ...(i.problems.length ? ["- Problems:", ...i.problems.map((x) => `  - ${x}`)] : []),
    ...p.events.map((e) => `- ${e}`),
    ...(p.name === "fault"
      ? [
          `- Answered well, second by second: ${timeline(p)}`,
          "- The seconds at or near zero are the outage itself; after it, requests wait for the pool's reconnect (postgres.js backoff, capped at 1 s in db/client.ts: README, Scaling).",
        ]
      : []),
  ];
}

/** Well-answered requests in each second of the phase, to show where the faults cut in. */
function timeline(p: PhaseResult): string {
  const start = p.answers[0]?.at ?? 0;
  const counts: number[] = [];
  for (const x of p.answers.filter((y) => y.ok)) {
    const s = Math.floor((x.at - start) / 1000);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return Array.from(counts, (n) => String(n ?? 0)).join(" ");
}

function printPhase(p: PhaseResult) {
  for (const line of phaseLines(p)) console.log(`  ${line}`);
}

function render(r: {
  startedAt: Date;
  machine: Awaited<ReturnType<typeof describeMachine>>;
  cluster: LoadCluster;
  setupSeconds: number;
  totalSeconds: number;
  checks: Check[];
  control: Check;
  phases: PhaseResult[];
  chain: ChainCheck[];
}): string {
  const m = r.machine;
  return [
    "## Two app instances: load and faults",
    "",
    "Written by `npm run bench:load` (bench/load.ts; `LOAD_SECONDS`, `LOAD_FAULT_SECONDS`, `LOAD_CONNECTIONS`).",
    "",
    `- Date: ${r.startedAt.toISOString()}; whole run ${r.totalSeconds.toFixed(0)} s, of which ${r.setupSeconds.toFixed(0)} s setup (cluster, migrations, demo seed, keys, both instances${r.setupSeconds > 120 ? ", including a `next build`" : ""})`,
    `- Product: commit ${m.commit}; ${m.migrations} migrations applied`,
    `- Machine: ${m.cpu}, ${m.cores} cores, RAM ${(m.ramBytes / 1024 ** 3).toFixed(0)} GB; Node ${m.node}; PostgreSQL ${m.postgres}; load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")} (the machine is shared with other work)`,
    `- Database: a throwaway cluster on loopback with ${r.cluster.settings.filter((s) => !s.startsWith("listen")).join(", ")}; the demo data (${fmtInt(m.rows)} audit entries at the start, 2,000 CDRs)`,
    `- Two instances of the production server (\`scripts/start.ts\`, what \`npm start\` runs) on two loopback ports, one AUTH_SECRET, \`API_RATE_LIMIT_PER_MINUTE=${RATE_LIMIT}\`; traffic from autocannon in this process, ${CONNECTIONS} keep-alive connections per instance, each cycling: POST a new account, the audit page, PUT that account (If-Match from the last ETag), the page with a search (\`?q=\`, four searches in turn), PUT it again. Pages use one admin session cookie (signed in on A) on both instances; mutations use ${LOAD_KEYS} read-write keys in turn. "Answered well" is a 2xx (a page only with the rendered audit table); latency is autocannon's, send to last byte.`,
    "",
    "### Shared state across the instances",
    "",
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...r.checks.map((c) => `| ${c.name} | ${c.ok ? "passed" : "**failed**"} | ${c.detail} |`),
    "",
    "What these figures are: two instances, Postgres, the load generator and other work share 2 cores, so two instances cannot serve more than one would here (each instance's JavaScript runs on one thread; the API section above measures one instance alone). The run shows that the instances agree with each other and lose nothing acknowledged, under load and through the faults; the throughput is what this machine held meanwhile, not a scaling factor.",
    "",
    "An acknowledged mutation is one that got a 2xx answer. Its check: the answer's `X-Request-Id` has exactly one audit entry, of the request's verb (POST or PUT), on that account, with the name and channels the answer reported. Then each account any entry of the phase is about must exist and hold its newest entry's name and channels, and each account created in the phase must have its creating entry. Requests cut off by a kill may have committed without an answer: their entries are counted, not failures.",
    "",
    ...r.phases.flatMap((p) => [
      p.name === "load"
        ? `### Load: both instances, ${LOAD_SECONDS} s (the outbox check runs at its start)`
        : `### Faults under the same load, ${FAULT_SECONDS} s`,
      "",
      ...phaseLines(p),
      "",
    ]),
    "### The chain",
    "",
    "Both instances sealed new entries into the chain on their own timers (`AUDIT_SEAL_INTERVAL_SECONDS`, default 5 s), through both kills, each writing its checkpoints to a file of its own; after they stopped, what was left was sealed (`npm run audit:seal`) and the whole log verified (`npm run audit:verify`) against each instance's latest checkpoint, through the functions those scripts call. Sealed entries and the head's id differ by ids with no entry: drawn by transactions that rolled back (such as requests that failed in the faults), since a sequence does not give ids back; the chain links the entries that exist when it seals.",
    "",
    ...r.chain.map((c) => `- ${c.ok ? "Passed" : "**Failed**"}: ${c.name}. ${c.detail}.`),
    "",
    "### The checks themselves",
    "",
    `- ${r.control.ok ? "Passed" : "**Failed**"}: ${r.control.name}. ${r.control.detail}.`,
  ].join("\n");
}

runScript("bench:load", main);

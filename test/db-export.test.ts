import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DatabaseUnavailableError,
  openPglite,
  openPostgres,
  type Database,
  type Db,
  type DbOrTx,
  type EmbeddedDatabase,
} from "@/db/client";
import { countRows, listSequences, listTables, readSequence } from "@/db/embedded/export-catalog";
import { exportPgliteFolder } from "@/db/embedded/export-folder";
import {
  ExportRefusedError,
  exportToPostgres,
  type ExportReport,
} from "@/db/embedded/export-to-postgres";
import { pgErrorOf } from "@/db/errors";
import { migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import {
  accounts,
  auditRetentionCuts,
  auditSigningStart,
  auditStreamDestinations,
  auditVerifications,
  watches,
} from "@/db/schema";
import { seedDemo } from "@/seed/demo/demo";
import { GENESIS_HASH } from "@/lib/audit/chain/links";
import { sealAuditLog } from "@/lib/audit/chain/seal";
import { verifyAuditChain } from "@/lib/audit/chain/verify";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { startPostgresCluster, type PostgresCluster } from "@/tools/postgres/throwaway";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { insertTestAccount } from "./factories";

/**
 * `npm run db:export` against a real Postgres server (a throwaway cluster from tools/postgres/): a
 * seeded embedded database goes in, and every row, sequence and guard must come out as it was.
 */

const binaries = findPostgresBinaries();
const inCi = !!process.env.CI && process.env.CI !== "false";

if (!binaries && inCi) {
  describe("db:export", () => {
    it("needs the Postgres server binaries", () => {
      throw new Error(
        "No Postgres server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH: " +
          "the export tests need a real server. Install them with `apt-get install -y postgresql`.",
      );
    });
  });
}

// A small slice of the demo history (~1,000 audit entries): the whole demo takes a minute.
const SEED = { cdrCount: 2_000, historyScale: 0.05, now: new Date("2026-06-01T12:00:00Z") };
// Every quoting rule of the row and array text formats at once, plus non-ASCII.
const AWKWARD_NAME = `Tab\there "quoted" back\\slash {brace,comma} (paren) ünïcødé 🚀\nnew line`;

describe.skipIf(!binaries)("exportToPostgres", { timeout: 60_000 }, () => {
  let cluster: PostgresCluster | undefined;
  let admin: postgres.Sql | undefined;
  let root: string | undefined;
  let folder: string;
  let source: EmbeddedDatabase;
  let target: Database;
  let report: ExportReport;
  const opened: Database[] = [];

  /** The cluster's URL for another database or role (trust authentication, loopback only). */
  const urlFor = (database: string, user = "postgres") => {
    const url = new URL(cluster!.url);
    url.pathname = `/${database}`;
    url.username = user;
    return url.toString();
  };
  const open = async (url: string) => {
    const database = await openPostgres(url);
    opened.push(database);
    return database;
  };
  const createDatabase = async (name: string, owner = "postgres") => {
    await admin!.unsafe(`create database "${name}" owner "${owner}"`);
    return urlFor(name);
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster(binaries!, "export_main");
    admin = postgres(urlFor("postgres"), { max: 1, onnotice: () => {} });
    root = mkdtempSync(path.join(tmpdir(), "trunkline-export-"));
    folder = path.join(root, "pglite");
    source = await openPglite(folder);
    await migrateDatabase(source);
    await seedDemo(source.db, SEED);
    await addAwkwardRows(source.db);
    await fillChainTables(source.db);
    await fillAuditOperationsTables(source.db);
    report = await exportToPostgres(source, cluster.url);
    target = await open(cluster.url);
  }, 120_000);

  afterAll(async () => {
    for (const database of opened) await database.close().catch(() => {});
    await admin?.end({ timeout: 5 }).catch(() => {});
    await source?.close().catch(() => {});
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it("copies every table of public, with the same row counts", async () => {
    const tables = (await listTables(source.db)).map((t) => t.name).sort();
    expect(tables.length).toBeGreaterThanOrEqual(17);
    expect(report.tables.map((t) => t.name).sort()).toEqual(tables);
    for (const name of tables) {
      const rows = await countRows(source.db, name);
      expect(
        rows,
        `${name} is empty in the source: the comparison would prove little`,
      ).toBeGreaterThan(0);
      expect(await countRows(target.db, name), name).toBe(rows);
      expect(report.tables.find((t) => t.name === name)?.rows, name).toBe(rows);
    }
  });

  it("keeps the whole audit log, entry by entry, and reports its newest entry", async () => {
    const [want, got] = [await auditLogRows(source.db), await auditLogRows(target.db)];
    expect(want.length).toBeGreaterThan(500);
    expect(got).toEqual(want);
    const [newest] = await queryRows<{ id: number; n: number }>(
      source.db,
      sql`select max(id)::int as id, count(*)::int as n from audit_log`,
    );
    expect(report.auditEntries).toBe(newest!.n);
    expect(report.newestAuditId).toBe(newest!.id);
  });

  it("keeps every value of every row of every table intact", async () => {
    for (const { name } of await listTables(source.db)) {
      const [want, got] = [await jsonRows(source.db, name), await jsonRows(target.db, name)];
      expect(got, name).toEqual(want);
    }
  });

  it("keeps awkward text, microseconds, IPv6 and binary logos byte for byte", async () => {
    const [account] = await queryRows<{ name: string }>(
      target.db,
      sql`select name from accounts where name = ${AWKWARD_NAME}`,
    );
    expect(account?.name).toBe(AWKWARD_NAME);
    const [attempt] = await queryRows<{ at: string; ip: string }>(
      target.db,
      sql`select to_char(attempted_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as at,
                 host(ip) as ip
          from login_attempts where email = 'v6@example.test'`,
    );
    expect(attempt).toEqual({ at: "2026-06-01 12:00:00.123456", ip: "2001:db8::1" });
    const assets = await queryRows<{ ok: boolean; size: number }>(
      target.db,
      sql`select encode(sha256(bytes), 'hex') = sha256 as ok, length(bytes) as size
          from branding_assets`,
    );
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.every((a) => a.ok && a.size > 0)).toBe(true);
  });

  it("sets every sequence to the source's value, so new rows get new ids", async () => {
    const sequences = await listSequences(source.db);
    expect(sequences).toEqual(expect.arrayContaining(["accounts_id_seq", "audit_log_id_seq"]));
    for (const name of sequences) {
      expect(await readSequence(target.db, name), name).toEqual(
        await readSequence(source.db, name),
      );
    }
    const [max] = await queryRows<{ account: number; audit: number }>(
      source.db,
      sql`select (select max(id)::int from accounts) as account,
                 (select max(id)::int from audit_log) as audit`,
    );
    const created = await insertTestAccount(target.db, "customer", "Created after the export");
    expect(created.id).toBeGreaterThan(max!.account);
    const [entry] = await queryRows<{ id: number }>(
      target.db,
      sql`select max(id)::int as id from audit_log`,
    );
    expect(entry!.id).toBeGreaterThan(max!.audit);
  });

  it("leaves the audit guards on", async () => {
    await expectGuardsOn(target.db);
  });

  it("refuses a second export into the now non-empty target, changing nothing", async () => {
    const before = await fingerprint(target.db);
    const err = await exportToPostgres(source, cluster!.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportRefusedError);
    expect((err as Error).message).toMatch(/already holds data \(in accounts, /);
    expect(await fingerprint(target.db)).toEqual(before);
  });

  it("fills a migrated, empty database as its owner, without superuser rights", async () => {
    await admin!.unsafe(`create role export_owner login`);
    const url = urlFor("export_owned", "export_owner");
    await createDatabase("export_owned", "export_owner");
    const owned = await open(url);
    await migrateDatabase(owned);

    const ownReport = await exportToPostgres(source, url);
    expect(ownReport.tables).toEqual(report.tables);
    expect(await auditLogRows(owned.db)).toEqual(await auditLogRows(source.db));
    // The owner's path disables the tables' triggers in the transaction: they must be back.
    await expectGuardsOn(owned.db);
  });

  it("refuses a role that neither owns the database nor is a superuser, writing nothing", async () => {
    await admin!.unsafe(`create role export_stranger login`);
    await createDatabase("export_foreign");
    const err = await exportToPostgres(source, urlFor("export_foreign", "export_stranger")).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExportRefusedError);
    expect((err as Error).message).toContain(
      "The export needs the database owner or a superuser role: export_stranger",
    );
    expect(await schemaObjects(urlFor("export_foreign"))).toEqual({ tables: 0, drizzle: false });
  });

  it("rolls the whole copy back when one table fails, leaving no rows", async () => {
    const url = await createDatabase("export_failing");
    const failing = await open(url);
    await migrateDatabase(failing);
    // A check no row passes, on a table copied after the parents: they must be undone too.
    await failing.db.execute(
      sql`alter table cdrs add constraint export_test_rejects check (false) not valid`,
    );
    const err = await exportToPostgres(source, url).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Copying cdrs failed: .*export_test_rejects/);
    for (const { name } of await listTables(failing.db)) {
      expect(await countRows(failing.db, name), name).toBe(0);
    }
    expect(await readSequence(failing.db, "accounts_id_seq")).toMatchObject({ isCalled: false });
  });

  it("refuses while another handle holds the folder, naming the holder", async () => {
    const url = await createDatabase("export_locked");
    // `source` is open in this process: the folder's lock is taken.
    const err = await exportPgliteFolder(folder, url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toContain(`is in use by process ${process.pid} `);
    expect((err as Error).message).toContain("Stop `npm start` first");
    expect(await schemaObjects(url)).toEqual({ tables: 0, drizzle: false });
  });

  it("npm run db:export: exit 1 naming the holder when locked, exit 2 on bad arguments", async () => {
    const url = await createDatabase("export_cli");
    const locked = await runCli(["--from", folder, `--to=${url}`]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain(`Cannot export: The embedded database in ${folder}`);
    expect(locked.stderr).toContain(`process ${process.pid} `);
    expect(locked.stderr).toContain("Stop `npm start` first");

    const noTarget = await runCli(["--from", folder]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain("--to is required");
    expect(noTarget.stderr).toContain("Usage: npm run db:export -- --to postgres://");
    const notPostgres = await runCli(["--to", "mysql://localhost/db"]);
    expect(notPostgres.code).toBe(2);
    expect(notPostgres.stderr).toContain("--to must be a postgres:// URL");
    expect(await schemaObjects(url)).toEqual({ tables: 0, drizzle: false });
  });

  /** How many tables `public` has and whether drizzle's journal exists: all a refusal may leave. */
  async function schemaObjects(url: string) {
    const db = await open(url);
    const [row] = await queryRows<{ tables: number; drizzle: boolean }>(
      db.db,
      sql`select (select count(*)::int from pg_tables where schemaname = 'public') as tables,
                 exists (select 1 from pg_namespace where nspname = 'drizzle') as drizzle`,
    );
    return row;
  }
});

/** Rows the demo seed leaves empty or plain: every table should hold something worth comparing. */
/** The chain's tables hold rows too, so their copy is compared like every other table's. */
async function fillChainTables(db: Db) {
  await sealAuditLog(db);
  await verifyAuditChain(db).then((report) =>
    db.insert(auditVerifications).values({
      startedAt: new Date(),
      ok: report.ok,
      checkedEntries: report.checkedEntries,
      unsealedEntries: report.unsealedEntries,
      problems: [],
      requestedBy: "test",
    }),
  );
  // as a log carried over from before signing, and once cut by retention (nothing removed)
  await db.insert(auditSigningStart).values({ firstSignedId: 1 });
  await db.insert(auditRetentionCuts).values({
    lastRemovedId: 0,
    anchorHash: GENESIS_HASH,
    removedEntries: 0,
    removedBefore: new Date("2020-01-01T00:00:00Z"),
  });
}

/**
 * Two-factor sign-in, watches and SIEM streaming as their use leaves them (the demo seed has
 * none: a demo user with a second factor could not sign in with the printed password).
 */
async function fillAuditOperationsTables(db: Db) {
  const actor = systemActor("test");
  await auditedMutation(db, actor, {
    table: "watches",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(watches)
        .values({
          ownerUserId: sql`(select min(id) from users)`,
          name: AWKWARD_NAME,
          query: 'table:accounts "quoted phrase" ip:10.0.0.0/8',
          channel: "webhook",
          webhookUrl: "https://hooks.example.test/a?b=c",
          webhookSecret: "whsec-test",
        })
        .returning({ id: watches.id });
      return row!.id;
    },
  });
  await auditedMutation(db, actor, {
    table: "audit_stream_destinations",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(auditStreamDestinations)
        .values({ name: "SIEM", kind: "syslog", target: { host: "siem.example.test", port: 6514 } })
        .returning({ id: auditStreamDestinations.id });
      return row!.id;
    },
  });
  await db.execute(
    sql`insert into watch_state (watch_id, last_notified_id, last_error, failures)
        select id, 3, 'HTTP 503', 2 from watches`,
  );
  await db.execute(
    sql`insert into audit_stream_state (destination_id, delivered_through, last_error)
        select id, 2, 'connect ECONNREFUSED' from audit_stream_destinations`,
  );
  await db.execute(
    sql`insert into user_recovery_codes (user_id, code_hash, used_at)
        select id, 'hash-' || n, case when n = 1 then '2026-06-01 12:00:00+00'::timestamptz end
        from users, generate_series(1, 2) n where id = (select min(id) from users)`,
  );
  await db.execute(
    sql`insert into user_remembered_devices (user_id, token_hash, user_agent, expires_at)
        select min(id), 'device-hash', 'Mozilla/5.0 "quoted"', '2026-07-01 12:00:00+00' from users`,
  );
  await db.execute(
    sql`insert into user_totp_steps (user_id, last_step) select min(id), 59000000 from users`,
  );
}

async function addAwkwardRows(db: Db) {
  await auditedMutation(db, systemActor("test"), {
    table: "accounts",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(accounts)
        .values({ type: "carrier", name: AWKWARD_NAME, notesPublic: "a\\b\r\nc\u0001" })
        .returning({ id: accounts.id });
      return row!.id;
    },
  });
  await db.execute(
    sql`insert into column_preferences (user_id, surface, hidden_columns)
        select id, 'audit', array['ip', 'user agent', 'a"b', 'c,d', null] from users
        order by id limit 3`,
  );
  await db.execute(
    sql`insert into login_attempts (email, ip, outcome, attempted_at)
        values ('v6@example.test', '2001:db8::1', 'invalid', '2026-06-01 12:00:00.123456+00')`,
  );
  // The REST API's bookkeeping, as a request leaves it: a rate-limit counter and an
  // idempotency claim with its stored answer (headers as JSON, the body as text).
  await db.execute(
    sql`insert into api_rate_limits (key, points, expire)
        select 'api-key:' || id, 7, '2026-06-01 12:01:00+00' from api_keys order by id limit 1`,
  );
  const headers = JSON.stringify({ "content-type": "application/json", etag: '"v1"' });
  await db.execute(
    sql`insert into api_idempotency (key_id, idempotency_key, fingerprint, status, headers, body)
        select id, 'order-7781', 'POST /api/v1/accounts abc', 201, ${headers}::jsonb,
               ${'{"id": 1, "name": "a\\b"}'}
        from api_keys order by id limit 1`,
  );
}

/** The audit log in id order, each entry whole, as JSON text printed by its own server. */
function auditLogRows(db: DbOrTx): Promise<string[]> {
  return inUtc(db, async (tx) =>
    (
      await queryRows<{ row: string }>(
        tx,
        sql`select to_jsonb(a)::text as row from audit_log a order by a.id`,
      )
    ).map((r) => r.row),
  );
}

/** Every row of a table as JSON text, sorted here so both servers' collations are irrelevant. */
function jsonRows(db: DbOrTx, table: string): Promise<string[]> {
  return inUtc(db, async (tx) =>
    (
      await queryRows<{ row: string }>(
        tx,
        sql`select to_jsonb(t)::text as row from ${sql.identifier(table)} t`,
      )
    )
      .map((r) => r.row)
      .sort(),
  );
}

/** Timestamps print in the session's time zone: pin it so both sides print the same text. */
function inUtc<T>(db: DbOrTx, work: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local TimeZone = 'UTC'`);
    return work(tx);
  });
}

/** Row counts and sequence states: what a refused export must not have changed. */
async function fingerprint(db: DbOrTx) {
  const tables = await listTables(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = await countRows(db, name);
  const sequences: Record<string, unknown> = {};
  for (const name of await listSequences(db)) sequences[name] = await readSequence(db, name);
  return { counts, sequences };
}

/** What the server said when it refused a statement, or "accepted". */
async function refusalOf(statement: Promise<unknown>): Promise<string> {
  try {
    await statement;
    return "accepted";
  } catch (err) {
    return pgErrorOf(err)?.message ?? String(err);
  }
}

async function expectGuardsOn(db: DbOrTx) {
  expect(
    await refusalOf(
      db.execute(sql`update audit_log set message = 'rewritten'
                     where id = (select max(id) from audit_log)`),
    ),
  ).toBe("audit_log is append-only: UPDATE refused");
  expect(await refusalOf(db.execute(sql`delete from audit_log`))).toBe(
    "audit_log is append-only: DELETE refused",
  );
  expect(
    await refusalOf(
      db.execute(sql`insert into accounts (type, name) values ('customer', 'Around the core')`),
    ),
  ).toBe('write to audited table "accounts" outside the audited-mutation core');
  expect(await refusalOf(db.execute(sql`update users set name = 'Around the core'`))).toBe(
    'write to audited table "users" outside the audited-mutation core',
  );
  const disabled = await queryRows<{ name: string }>(
    db,
    sql`select tgrelid::regclass::text || '.' || tgname as name from pg_trigger
        where not tgisinternal and tgenabled <> 'O'`,
  );
  expect(disabled).toEqual([]);
}

async function runCli(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const tsx = path.resolve("node_modules/.bin/tsx");
  // As `npm run db:export` runs it: with the react-server condition (tools/process/server-condition).
  const cli = [SERVER_CONDITION, "scripts/db-export.ts", ...args];
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, cli, {
      env: { ...process.env, DATABASE_URL: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DatabaseUnavailableError,
  openDatabase,
  openPostgres,
  type Database,
  type Db,
} from "@/db/client";
import { readDatabaseConfig } from "@/db/config";
import { migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import {
  APPEND_ONLY_TABLES,
  RuntimeRoleError,
  runtimeRoleFor,
  runtimeRoleProblems,
  setUpRuntimeRole,
} from "@/db/roles";
import { accounts, auditLog, loginAttempts } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation, recordAuditEvent } from "@/lib/audit/core";
import { SERVER_CONDITION } from "@/tools/process/server-condition";
import { insertTestAccount } from "./factories";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

/**
 * Least-privilege roles (db/roles.ts) on a real Postgres server: as the runtime role the app
 * connects with, every statement that could rewrite the audit log or switch its guards off is
 * refused by Postgres's privileges (not by the guards themselves, whose messages differ), and
 * changes nothing; the app's own work still succeeds.
 */

const inCi = !!process.env.CI && process.env.CI !== "false";
if (!postgresBinaries && inCi) {
  describe("database roles", () => {
    it("needs the Postgres server binaries", () => {
      throw new Error(
        "No Postgres server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH: " +
          "the role tests need a real server. Install them with `apt-get install -y postgresql`.",
      );
    });
  });
}

const RUNTIME = "trunkline_app";
/** An assignment to a plain column of each append-only table (their ids are identities). */
const SOME_COLUMN: Record<(typeof APPEND_ONLY_TABLES)[number], string> = {
  audit_log: "message = 'edited'",
  audit_chain: "sealed_at = now()",
  audit_signatures: "signature = 'forged'",
  audit_signing_start: "first_signed_id = first_signed_id + 1",
  audit_retention_cuts: "removed_entries = 0",
  audit_verifications: "ok = true",
};
const PASSWORD = "runtime 'quoted' secret";

/** The cluster's URL as another role (trust authentication: the password is not checked). */
function urlAs(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = user;
  if (password) u.password = encodeURIComponent(password);
  return u.toString();
}

/** Every row of the tables the refusals aim at, the columns and the triggers' state: as the owner. */
async function fingerprint(db: Db) {
  const [row] = await queryRows<Record<string, string>>(
    db,
    sql`select
      (select md5(coalesce(string_agg(t::text, '|' order by id), '')) from audit_log t) as audit_log,
      (select md5(coalesce(string_agg(t::text, '|' order by id), '')) from accounts t) as accounts,
      (select md5(coalesce(string_agg(t::text, '|' order by id), '')) from login_attempts t)
        as login_attempts,
      (select md5(string_agg(table_name || '.' || column_name, ',' order by table_name, column_name))
        from information_schema.columns where table_schema = 'public') as columns,
      (select string_agg(format('%s.%s=%s', tgrelid::regclass, tgname, tgenabled), ',' order by 1)
        from pg_trigger where not tgisinternal) as triggers,
      current_setting('session_replication_role') as replication_role`,
  );
  return row;
}

async function tablesOf(db: Db): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  return rows.map((r) => r.name);
}

async function privileges(db: Db, role: string, table: string): Promise<string[]> {
  const [row] = await queryRows<{ privileges: string[] }>(
    db,
    sql`select array(select p from unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE',
          'TRIGGER','REFERENCES']) p where has_table_privilege(${role}::name, ${table}::text, p))
        as privileges`,
  );
  return row!.privileges;
}

describe("which runtime role db:migrate sets up", () => {
  const config = (env: Record<string, string>) =>
    readDatabaseConfig({ NODE_ENV: "test", PGLITE_DIR: "x", ...env });
  const OWNER = "postgres://owner:own%20pw@db.internal:5432/trunkline";
  const APP = "postgres://trunkline_app:app%20pw@db.internal:5432/trunkline";

  it("the one asked for, whose password is reset only when RUNTIME_DATABASE_PASSWORD says so", () => {
    expect(runtimeRoleFor(config({ DATABASE_URL: OWNER }), "trunkline_app")).toEqual({
      name: "trunkline_app",
      password: undefined,
      resetPassword: false,
    });
    expect(
      runtimeRoleFor(
        config({
          DATABASE_URL: OWNER,
          MIGRATION_DATABASE_URL: OWNER,
          RUNTIME_DATABASE_PASSWORD: "s",
        }),
        "other",
      ),
    ).toEqual({ name: "other", password: "s", resetPassword: true });
  });

  it("else DATABASE_URL's user when MIGRATION_DATABASE_URL connects as another", () => {
    expect(runtimeRoleFor(config({ DATABASE_URL: APP, MIGRATION_DATABASE_URL: OWNER }))).toEqual({
      name: "trunkline_app",
      password: "app pw",
      resetPassword: false,
    });
    expect(runtimeRoleFor(config({ DATABASE_URL: APP }))).toBeUndefined();
    expect(
      runtimeRoleFor(config({ DATABASE_URL: OWNER, MIGRATION_DATABASE_URL: OWNER })),
    ).toBeUndefined();
    const sameUserOtherHost = OWNER.replace("db.internal", "pgbouncer.internal");
    expect(
      runtimeRoleFor(config({ DATABASE_URL: sameUserOtherHost, MIGRATION_DATABASE_URL: OWNER })),
    ).toBeUndefined();
  });

  it("refuses what is no role name, before connecting", () => {
    expect(() => runtimeRoleFor(config({}), "pg_monitor")).toThrow(RuntimeRoleError);
    expect(() => runtimeRoleFor(config({}), "app; drop table audit_log")).toThrow(
      'Runtime role "app; drop table audit_log": not a role name.',
    );
  });

  it("will not run the app on the embedded database while migrations go to a server", async () => {
    const err = await openDatabase({
      NODE_ENV: "test",
      MIGRATION_DATABASE_URL: OWNER,
      PGLITE_DIR: "x",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toContain(
      "MIGRATION_DATABASE_URL is set but DATABASE_URL is not",
    );
  });
});

describe.skipIf(!postgresBinaries)("database roles (real Postgres)", { timeout: 60_000 }, () => {
  let server: RealPostgres;
  let owner: Db;
  let runtime: Database;
  /** The runtime role through postgres.js itself: statements the app never sends. */
  let raw: postgres.Sql;

  beforeAll(async () => {
    server = await startRealPostgres("roles");
    owner = server.database.db;
    await setUpRuntimeRole(owner, { name: RUNTIME, password: PASSWORD });
    runtime = await openPostgres(urlAs(server.url, RUNTIME, PASSWORD));
    raw = postgres(urlAs(server.url, RUNTIME, PASSWORD), { max: 1, onnotice: () => {} });
    // Something to lose: rows in the audit log, an audited table and an unaudited one.
    await insertTestAccount(runtime.db);
    await runtime.db.insert(loginAttempts).values({ email: "a@example.test", outcome: "invalid" });
  }, 120_000);
  afterAll(async () => {
    await raw?.end({ timeout: 5 });
    await runtime?.close();
    await server?.stop();
  }, 60_000);

  /** Runs `statement` as the runtime role: refused by a privilege check, and nothing changed. */
  async function expectRefused(statement: string, message: RegExp) {
    const before = await fingerprint(owner);
    const err = await raw.unsafe(statement).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, `${statement} was accepted`).toBeInstanceOf(postgres.PostgresError);
    expect((err as postgres.PostgresError).code, statement).toBe("42501");
    expect((err as Error).message, statement).toMatch(message);
    expect(await fingerprint(owner), statement).toEqual(before);
  }

  it("connects as the runtime role, which owns nothing and is no superuser", async () => {
    const [who] = await queryRows<{ user: string; superuser: string }>(
      runtime.db,
      sql`select current_user as user, current_setting('is_superuser') as superuser`,
    );
    expect(who).toEqual({ user: RUNTIME, superuser: "off" });
    expect(await runtimeRoleProblems(owner, RUNTIME)).toEqual([]);
    expect(await privileges(owner, RUNTIME, "audit_log")).toEqual(["SELECT", "INSERT"]);
    expect(await privileges(owner, RUNTIME, "accounts")).toEqual([
      "SELECT",
      "INSERT",
      "UPDATE",
      "DELETE",
    ]);
  });

  it.each([
    ["update audit_log set message = 'edited'", /permission denied for table audit_log/],
    ["delete from audit_log", /permission denied for table audit_log/],
    ["truncate audit_log", /permission denied for table audit_log/],
    ["alter table audit_log disable trigger user", /must be owner of table audit_log/],
    ["alter table audit_log disable trigger all", /must be owner of table audit_log/],
    [
      "drop trigger audit_log_no_update_delete on audit_log",
      /must be owner of (table|relation) audit_log/,
    ],
    [
      "drop trigger audit_log_no_truncate on audit_log",
      /must be owner of (table|relation) audit_log/,
    ],
    [
      "create trigger bypass before insert on audit_log for each row execute function trunkline_touch_row()",
      /permission denied for table audit_log/,
    ],
    ["alter table audit_log add column forged text", /must be owner of table audit_log/],
    ["alter table audit_log owner to trunkline_app", /must be owner of table audit_log/],
    ["drop table audit_log", /must be owner of table audit_log/],
    ["alter table accounts disable trigger audit_guard", /must be owner of table accounts/],
    ["truncate accounts", /permission denied for table accounts/],
    ["truncate accounts, audit_log cascade", /permission denied for table (accounts|audit_log)/],
    ["set session_replication_role = replica", /permission denied to set parameter/],
    ["set local session_replication_role = replica", /permission denied to set parameter/],
    ["create table public.shadow (id int)", /permission denied for schema public/],
    ["create table shadow (id int)", /permission denied for schema public/],
    [
      "create function public.shadow() returns int language sql as 'select 1'",
      /permission denied for schema public/,
    ],
    ["create schema shadow", /permission denied for database/],
  ])("refuses %s, changing nothing", async (statement, message) => {
    await expectRefused(statement, message);
  });

  it("refuses UPDATE, DELETE and TRUNCATE on every append-only table there is", async () => {
    const tables = await tablesOf(owner);
    const appendOnly = APPEND_ONLY_TABLES.filter((t) => tables.includes(t));
    expect(appendOnly).toContain("audit_log");
    for (const table of appendOnly) {
      const denied = new RegExp(`permission denied for table ${table}`);
      await expectRefused(`update ${table} set ${SOME_COLUMN[table]}`, denied);
      await expectRefused(`truncate ${table}`, denied);
    }
  });

  it("refuses ALTER TABLE and TRUNCATE on every table", async () => {
    const tables = await tablesOf(owner);
    expect(tables.length).toBeGreaterThan(15);
    for (const table of tables) {
      await expectRefused(
        `alter table ${table} add column forged text`,
        new RegExp(`must be owner of table ${table}`),
      );
      await expectRefused(`truncate ${table}`, new RegExp(`permission denied for table ${table}`));
    }
  });

  it("does the app's work: audited mutations, audit events, reads and unaudited writes", async () => {
    const actor = systemActor("roles test");
    const account = await insertTestAccount(runtime.db);
    await auditedMutation(runtime.db, actor, {
      table: "accounts",
      action: "UPDATE",
      id: account.id,
      change: async (tx) => {
        await tx
          .update(accounts)
          .set({ name: `${account.name} renamed` })
          .where(eq(accounts.id, account.id));
      },
    });
    const eventId = await recordAuditEvent(runtime.db, actor, {
      action: "LOGIN",
      tableName: "users",
      message: "Failed sign-in for someone@example.test",
    });
    await auditedMutation(runtime.db, actor, {
      table: "accounts",
      action: "DELETE",
      id: account.id,
      change: async (tx) => {
        await tx.delete(accounts).where(eq(accounts.id, account.id));
      },
    });

    const entries = await runtime.db
      .select({ id: auditLog.id, action: auditLog.action, message: auditLog.message })
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(account.id)))
      .orderBy(auditLog.id);
    expect(entries.map((e) => e.action)).toEqual(["CREATE", "UPDATE", "DELETE"]);
    const [event] = await runtime.db.select().from(auditLog).where(eq(auditLog.id, eventId));
    expect(event?.message).toBe("Failed sign-in for someone@example.test");

    const [attempt] = await runtime.db
      .insert(loginAttempts)
      .values({ email: "b@example.test", outcome: "invalid" })
      .returning();
    await runtime.db
      .update(loginAttempts)
      .set({ outcome: "success" })
      .where(eq(loginAttempts.id, attempt!.id));
    await runtime.db.delete(loginAttempts).where(eq(loginAttempts.id, attempt!.id));
    expect(
      await runtime.db.select().from(loginAttempts).where(eq(loginAttempts.id, attempt!.id)),
    ).toEqual([]);
  });

  it("a later migration's tables: append-only ones get SELECT and INSERT, the others all DML at the migrate", async () => {
    // What a migration does, as the owner.
    await owner.execute(sql`create table later_notes (id bigint generated always as identity
      primary key, body text not null)`);
    // Until the migrate re-grants, only what is safe for any table: fails closed, not open.
    expect(await privileges(owner, RUNTIME, "later_notes")).toEqual(["SELECT", "INSERT"]);
    expect(await privileges(owner, RUNTIME, "audit_chain")).toEqual(["SELECT", "INSERT"]);

    expect(await migrateDatabase(server.database)).toEqual([RUNTIME]);
    expect(await privileges(owner, RUNTIME, "later_notes")).toEqual([
      "SELECT",
      "INSERT",
      "UPDATE",
      "DELETE",
    ]);
    expect(await privileges(owner, RUNTIME, "audit_chain")).toEqual(["SELECT", "INSERT"]);
    await raw`insert into later_notes (body) values ('first')`;
    await raw`update later_notes set body = 'edited'`;
    await raw`delete from later_notes`;
    await raw`insert into audit_chain (entry_id, entry_hash, chain_hash) values (1, 'x', 'x')`;
    await expectRefused(
      "update audit_chain set chain_hash = '\\x01'",
      /permission denied for table audit_chain/,
    );
    await expectRefused("delete from audit_chain", /permission denied for table audit_chain/);
    expect(await runtimeRoleProblems(owner, RUNTIME)).toEqual([]);
  });

  it("granting again takes back rights given out of band, and is otherwise a no-op", async () => {
    await owner.execute(sql.raw(`grant update, delete, truncate on audit_log to ${RUNTIME}`));
    await owner.execute(sql.raw(`grant truncate, trigger on accounts to ${RUNTIME}`));
    expect(await runtimeRoleProblems(owner, RUNTIME)).toEqual([
      "may TRUNCATE, TRIGGER accounts",
      "may TRUNCATE, UPDATE, DELETE audit_log",
    ]);
    await setUpRuntimeRole(owner, { name: RUNTIME });
    await setUpRuntimeRole(owner, { name: RUNTIME });
    expect(await runtimeRoleProblems(owner, RUNTIME)).toEqual([]);
    await expectRefused("delete from audit_log", /permission denied for table audit_log/);
  });

  it("refuses a superuser, the owner itself or a role owning a table, granting nothing", async () => {
    await owner.execute(sql`create role roles_root superuser login`);
    await expect(setUpRuntimeRole(owner, { name: "roles_root" })).rejects.toThrow(
      /roles_root is not safe to run the app as:\n {2}is a superuser/,
    );
    await expect(setUpRuntimeRole(owner, { name: "postgres" })).rejects.toThrow(
      /runtime role postgres is the role that runs the migrations/,
    );
    await owner.execute(sql`create role roles_squatter login`);
    await owner.execute(sql`create table squatted (id int)`);
    await owner.execute(sql`alter table squatted owner to roles_squatter`);
    const err = await setUpRuntimeRole(owner, { name: "roles_squatter" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeRoleError);
    expect((err as Error).message).toContain("owns squatted");
    await owner.execute(sql`drop table squatted`);
    // Rolled back whole: neither is re-granted by the next migrate.
    expect(await migrateDatabase(server.database)).toEqual([RUNTIME]);
  });

  it("npm run db:migrate creates and grants the role asked for, or DATABASE_URL's user", async () => {
    const asked = await runMigrate(["--runtime-role", "trunkline_cli"], {
      MIGRATION_DATABASE_URL: server.url,
      RUNTIME_DATABASE_PASSWORD: "cli secret",
    });
    expect(asked.stderr).toBe("");
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain("Runtime role trunkline_cli: granted.");
    expect(asked.stdout).toContain(`Runtime role ${RUNTIME}: granted.`);

    const derived = await runMigrate([], {
      MIGRATION_DATABASE_URL: server.url,
      DATABASE_URL: urlAs(server.url, "trunkline_derived", "from the url"),
    });
    expect(derived.code).toBe(0);
    expect(derived.stdout).toContain("Runtime role trunkline_derived: granted.");

    const passwords = await queryRows<{ name: string; scram: boolean }>(
      owner,
      sql`select rolname as name, rolpassword like 'SCRAM-SHA-256$%' as scram from pg_authid
          where rolname in ('trunkline_cli', 'trunkline_derived') order by 1`,
    );
    expect(passwords).toEqual([
      { name: "trunkline_cli", scram: true },
      { name: "trunkline_derived", scram: true },
    ]);
    expect(await runtimeRoleProblems(owner, "trunkline_cli")).toEqual([]);
    expect(await runtimeRoleProblems(owner, "trunkline_derived")).toEqual([]);

    const refused = await runMigrate(["--runtime-role", "postgres"], {
      MIGRATION_DATABASE_URL: server.url,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "Cannot migrate: The runtime role postgres is the role that runs the migrations",
    );
  });
});

async function runMigrate(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.resolve("node_modules/.bin/tsx");
  // As `npm run db:migrate` runs it: with the react-server condition (tools/process/server-condition).
  const cli = [SERVER_CONDITION, "scripts/migrate.ts", ...args];
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.MIGRATION_DATABASE_URL;
  delete base.RUNTIME_DATABASE_PASSWORD;
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, cli, { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

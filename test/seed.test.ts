import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { ACTOR_TYPES, AUDIT_ACTIONS } from "@/db/schema";
import { DEMO_PASSWORD, DEMO_SIGN_INS, seedDemo } from "@/seed/demo/demo";
import { PORTAL_LABEL } from "@/lib/audit/actor";
import { AUDITED_TABLES, type AuditedTableName } from "@/lib/audit/tables";
import { rowToJson } from "@/lib/audit/to-json";
import { verifyPassword } from "@/lib/auth/password";
import { createTestDatabase, setUpTestDatabase } from "./db";

// A fixed end of history and a small slice of it: the full demo takes about a minute.
const OPTIONS = { cdrCount: 5_000, historyScale: 0.05, now: new Date("2026-06-01T12:00:00Z") };
const SEED_TIMEOUT = 120_000;

const database = setUpTestDatabase();
let firstRun: { seeded: boolean };
beforeAll(async () => {
  firstRun = await seedDemo(database.db, OPTIONS);
}, SEED_TIMEOUT);

async function tableCounts(db: DbOrTx) {
  const [counts] = await queryRows<Record<string, number>>(
    db,
    sql`select
      (select count(*)::int from accounts) as accounts,
      (select count(*)::int from users) as users,
      (select count(*)::int from ingress_routes) as ingress,
      (select count(*)::int from destinations) as destinations,
      (select count(*)::int from cdrs) as cdrs,
      (select count(*)::int from cdr_daily) as cdr_daily,
      (select count(*)::int from email_outbox) as emails,
      (select count(*)::int from login_attempts) as login_attempts,
      (select count(*)::int from audit_log) as audit`,
  );
  return counts!;
}

describe("seedDemo", () => {
  it("seeds an empty database", () => {
    expect(firstRun).toEqual({ seeded: true });
  });

  it("creates the six demo sign-ins with their roles, accounts and the demo password", async () => {
    const users = await queryRows<{
      email: string;
      role: string;
      status: string;
      account: string | null;
      password_hash: string;
    }>(
      database.db,
      sql`select u.email, u.role::text, u.status::text, a.name as account, u.password_hash
          from users u left join accounts a on a.id = u.account_id`,
    );
    const byEmail = new Map(users.map((u) => [u.email, u]));
    const expected = {
      "admin@example.com": ["admin", null],
      "support@example.com": ["support", null],
      "auditor@example.com": ["auditor", null],
      "brand@example.com": ["branding", null],
      "portal@acme.example": ["customer", "Acme Telecom"],
      "noc@zephyr.example": ["carrier", "Zephyr Transit"],
    } as const;
    expect(DEMO_SIGN_INS.map((s) => s.email).sort()).toEqual(Object.keys(expected).sort());
    for (const [email, [role, account]] of Object.entries(expected)) {
      const user = byEmail.get(email);
      expect(user, email).toMatchObject({ role, status: "active", account });
      expect(await verifyPassword(user!.password_hash, DEMO_PASSWORD), email).toBe(true);
    }
  });

  it("makes both demo portal sign-ins portal admins, and not every colleague", async () => {
    const rows = await queryRows<{ email: string; account: string; portal_admin: boolean }>(
      database.db,
      sql`select u.email, a.name as account, u.portal_admin
          from users u join accounts a on a.id = u.account_id
          where a.name in ('Acme Telecom', 'Zephyr Transit')`,
    );
    const admin = new Map(rows.map((r) => [r.email, r.portal_admin]));
    expect(admin.get("portal@acme.example")).toBe(true);
    expect(admin.get("noc@zephyr.example")).toBe(true);
    expect(rows.filter((r) => r.account === "Acme Telecom" && !r.portal_admin).length).toBe(
      rows.filter((r) => r.account === "Acme Telecom").length - 1,
    );
    expect(rows.some((r) => r.account === "Acme Telecom" && !r.portal_admin)).toBe(true);
  });

  it("fills accounts, ingress routes and breakouts in realistic numbers", async () => {
    const [c] = await queryRows<Record<string, number>>(
      database.db,
      sql`select
        (select count(*)::int from accounts where type = 'customer') as customers,
        (select count(*)::int from accounts where type = 'carrier') as carriers,
        (select count(*)::int from ingress_routes) as ingress,
        (select count(*)::int from destinations) as destinations,
        (select count(distinct currency)::int from accounts) as currencies,
        (select count(*)::int from cdrs) as cdrs,
        (select sum(attempts)::int from cdr_daily) as rolled_up,
        (select count(*)::int from portal_branding where id = 1) as branding_draft,
        (select count(*)::int from branding_versions) as branding_versions,
        (select count(*)::int from cdr_field_settings where account_id is null) as cdr_defaults,
        (select count(*)::int from column_permissions where surface = 'audit') as audit_columns`,
    );
    expect(c!.customers).toBeGreaterThanOrEqual(18);
    expect(c!.customers).toBeLessThanOrEqual(22);
    expect(c!.carriers).toBeGreaterThanOrEqual(6);
    expect(c!.carriers).toBeLessThanOrEqual(10);
    expect(c!.ingress).toBeGreaterThanOrEqual(50);
    expect(c!.ingress).toBeLessThanOrEqual(70);
    expect(c!.destinations).toBeGreaterThanOrEqual(200);
    expect(c!.destinations).toBeLessThanOrEqual(500);
    expect(c!.currencies).toBe(3);
    expect(c!.cdrs).toBe(OPTIONS.cdrCount);
    expect(c!.rolled_up).toBe(OPTIONS.cdrCount);
    expect(c!.branding_draft).toBe(1);
    expect(c!.branding_versions).toBeGreaterThanOrEqual(1);
    expect(c!.cdr_defaults).toBe(2);
    expect(c!.audit_columns).toBeGreaterThanOrEqual(4);

    const names = await queryRows<{ name: string }>(database.db, sql`select name from accounts`);
    expect(names.map((n) => n.name)).toEqual(
      expect.arrayContaining(["Acme Telecom", "Zephyr Transit"]),
    );
  });

  it("uses only documentation addresses for SBCs and actors", async () => {
    const [outside] = await queryRows<{ ingress: number; audit: number; cdrs: number }>(
      database.db,
      sql`with doc(net) as (values ('192.0.2.0/24'::inet), ('198.51.100.0/24'), ('203.0.113.0/24'),
            ('2001:db8::/32'))
          select
            (select count(*)::int from ingress_routes r, unnest(r.allowed_ips) ip
              where not exists (select 1 from doc where ip <<= net)) as ingress,
            (select count(*)::int from audit_log a
              where a.ip is not null
                and not exists (select 1 from doc where a.ip <<= net)) as audit,
            (select count(*)::int from cdrs c
              where not exists (select 1 from doc where c.source_ip <<= net)) as cdrs`,
    );
    expect(outside).toEqual({ ingress: 0, audit: 0, cdrs: 0 });
  });

  it("makes CDRs look like wholesale traffic", async () => {
    const [t] = await queryRows<{ asr: number; acd: number; unknown: number }>(
      database.db,
      sql`select
        100.0 * count(*) filter (where duration > 0) / count(*) as asr,
        sum(duration) / count(*) filter (where duration > 0) as acd,
        count(*) filter (where customer_dest_name is null or carrier_id is null)::int as unknown
        from cdrs`,
    );
    expect(Number(t!.asr)).toBeGreaterThan(45);
    expect(Number(t!.asr)).toBeLessThan(65);
    expect(Number(t!.acd)).toBeGreaterThan(150);
    expect(Number(t!.acd)).toBeLessThan(330);
    expect(t!.unknown).toBe(0);
  });
});

describe("the seeded audit history", () => {
  it("covers all ten actions and all four kinds of actor", async () => {
    const actions = await queryRows<{ v: string }>(
      database.db,
      sql`select distinct action::text as v from audit_log order by 1`,
    );
    const actors = await queryRows<{ v: string }>(
      database.db,
      sql`select distinct actor_type::text as v from audit_log order by 1`,
    );
    expect(actions.map((r) => r.v)).toEqual([...AUDIT_ACTIONS].sort());
    expect(actors.map((r) => r.v)).toEqual([...ACTOR_TYPES].sort());
  });

  it("labels every actor the way the User column shows it", async () => {
    const [bad] = await queryRows<Record<string, number>>(
      database.db,
      sql`select
        count(*) filter (where actor_type = 'portal' and (actor_label <> ${PORTAL_LABEL}
          or channel <> 'portal' or actor_user_id is null
          or actor_detail !~ '^.+ <[^>]+@[^>]+>$'))::int
          as portal,
        count(*) filter (where actor_type = 'api' and (channel <> 'api' or api_key_id is null
          or actor_label not like '% · %' or action not in ('POST', 'PUT', 'DELETE', 'GET')))::int as api,
        count(*) filter (where actor_type = 'user' and channel <> 'control_panel')::int as staff,
        count(*) filter (where actor_type = 'system' and channel <> 'system')::int as system,
        count(*) filter (where message like 'Saved % with no changes')::int as no_op
        from audit_log`,
    );
    expect(bad).toEqual({ portal: 0, api: 0, staff: 0, system: 0, no_op: 0 });
    const [portal] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from audit_log where actor_label = ${PORTAL_LABEL}`,
    );
    expect(portal!.n).toBeGreaterThan(0);
  });

  it("records successful and failed sign-ins, without passwords", async () => {
    const [logins] = await queryRows<Record<string, number>>(
      database.db,
      sql`select
        count(*) filter (where message like 'Signed in to %')::int as ok,
        count(*) filter (where message like 'Failed sign-in for %')::int as failed,
        (select count(*)::int from login_attempts) as attempts
        from audit_log where action = 'LOGIN'`,
    );
    expect(logins!.ok).toBeGreaterThan(0);
    expect(logins!.failed).toBeGreaterThan(0);
    expect(logins!.attempts).toBe(logins!.ok! + logins!.failed!);
    const [leak] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from audit_log where message ilike ${`%${DEMO_PASSWORD}%`}`,
    );
    expect(leak!.n).toBe(0);
  });

  it("never stores a secret: password and key hashes, tokens, carrier passwords", async () => {
    const secrets = await queryRows<{ s: string }>(
      database.db,
      sql`select password_hash as s from users where password_hash is not null
          union select password_token_hash from users where password_token_hash is not null
          union select secret_hash from api_keys
          union select carrier_portal_password from accounts
            where carrier_portal_password is not null
          union select body_text from email_outbox`,
    );
    expect(secrets.length).toBeGreaterThan(10);
    const [found] = await queryRows<{ argon: number; secret: number }>(
      database.db,
      sql`select
        (select count(*)::int from audit_log a where a::text like '%$argon2%') as argon,
        (select count(*)::int from audit_log a,
          json_array_elements_text(${JSON.stringify(secrets.map((r) => r.s))}::json) s
          where strpos(a::text, s) > 0) as secret`,
    );
    expect(found).toEqual({ argon: 0, secret: 0 });
  });

  it("is in chronological order", async () => {
    const [order] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from (
            select occurred_at < lag(occurred_at) over (order by id) as back from audit_log) x
          where back`,
    );
    expect(order!.n).toBe(0);
  });

  it("ends where the records are: each one's last entry shows its current state", async () => {
    const tables: AuditedTableName[] = [
      "accounts",
      "users",
      "ingress_routes",
      "api_keys",
      "destinations",
      "portal_branding",
      "cdr_field_settings",
      "column_permissions",
      "app_settings",
    ];
    const last = await queryRows<{
      table_name: AuditedTableName;
      record_pk: string;
      action: string;
      after: Record<string, unknown> | null;
    }>(
      database.db,
      sql`select distinct on (table_name, record_pk) table_name, record_pk, action::text, after
          from audit_log
          where table_name in ${tables} and (before is not null or after is not null)
          order by table_name, record_pk, id desc`,
    );
    const lastByKey = new Map(last.map((e) => [`${e.table_name}:${e.record_pk}`, e]));
    const withoutSecrets = (table: AuditedTableName, row: Record<string, unknown>) => {
      const copy = { ...row };
      for (const f of AUDITED_TABLES[table].secretFields) delete copy[f];
      return copy;
    };
    let compared = 0;
    for (const table of tables) {
      const def = AUDITED_TABLES[table];
      const current = (await database.db.select().from(def.table)) as Record<string, unknown>[];
      const pkField = table === "app_settings" ? "key" : "id";
      for (const row of current) {
        const entry = lastByKey.get(`${table}:${String(row[pkField])}`);
        expect(entry, `${table} ${String(row[pkField])} has no audit entry`).toBeDefined();
        if (table === "api_keys" && entry!.action === "DELETE") {
          // revokeApiKey records a revocation as DELETE (no `after`) and keeps the row.
          expect(row.revokedAt, `api key ${String(row.id)}`).not.toBeNull();
        } else {
          expect(withoutSecrets(table, entry!.after!)).toEqual(
            withoutSecrets(table, rowToJson(row)),
          );
        }
        lastByKey.delete(`${table}:${String(row[pkField])}`);
        compared++;
      }
    }
    // What is left was deleted, and its last entry says so.
    expect([...lastByKey.values()].filter((e) => e.action !== "DELETE")).toEqual([]);
    expect(compared).toBeGreaterThan(400);
  });
});

describe("running the seed again", () => {
  it("does nothing when the demo admin exists", async () => {
    const before = await tableCounts(database.db);
    expect(await seedDemo(database.db, OPTIONS)).toEqual({ seeded: false });
    expect(await tableCounts(database.db)).toEqual(before);
  });

  it(
    "produces the same data on a fresh database",
    async () => {
      const other = await createTestDatabase();
      try {
        await seedDemo(other.db, OPTIONS);
        const snapshot = async (db: DbOrTx) => ({
          accounts: await queryRows(
            db,
            sql`select id, name, credit_limit from accounts order by id`,
          ),
          messages: await queryRows(
            db,
            sql`select occurred_at, actor_label, action::text, message from audit_log order by id`,
          ),
          cdrs: await queryRows(
            db,
            sql`select md5(string_agg(concat_ws('|', dt, callid, dest_number, customer_charge,
                  carrier_id, source_ip), ',' order by id)) as digest from cdrs`,
          ),
        });
        const [a, b] = [await snapshot(database.db), await snapshot(other.db)];
        expect(b.accounts).toEqual(a.accounts);
        expect(b.messages.length).toBe(a.messages.length);
        expect(b.messages).toEqual(a.messages);
        expect(b.cdrs).toEqual(a.cdrs);
      } finally {
        await other.close();
      }
    },
    SEED_TIMEOUT,
  );
});

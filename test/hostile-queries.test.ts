import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/raw";
import type { users } from "@/db/schema";
import type { Endpoint } from "@/lib/api/endpoint";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import { auditLogEndpoints } from "@/lib/api/v1/audit-log";
import { cdrEndpoints } from "@/lib/api/v1/cdrs";
import { ENDPOINTS } from "@/lib/api/v1";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { accountListFilters, listAccounts } from "@/lib/accounts/queries";
import { ingestCdrs } from "@/lib/cdrs/ingest";
import { parseCdrPageParams } from "@/lib/cdrs/page-params";
import { parseBreakoutParams } from "@/lib/reports/breakout-params";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { insertTestPortalUser } from "./portal-support";
import { HOSTILE_TEXT, MORE_HOSTILE_TEXT } from "./hostile-payloads";

/**
 * SQL-looking and LIKE-looking text in every query parameter of every REST API read, as an admin
 * and as a portal user: each answer is a 200 or a 4xx (never a 500), a text search matches its
 * term literally (`%` finds the names holding a percent sign, not every name), and no table
 * changes but the audit log's GET entries. The pages read through the same parsers and query
 * builders (the accounts page's is driven directly below); e2e/hostile-input.spec.ts sends the
 * same payloads to the pages over HTTP.
 */

process.env.AUTH_SECRET ??= "test-secret-for-cdr-references-0123456789";
// Hundreds of calls a key within a minute: the limit is tested in test/api-door.test.ts.
process.env.API_RATE_LIMIT_PER_MINUTE = "1000000";

const database = setUpTestDatabase();
const db = () => database.db;

const PAYLOADS = [...HOSTILE_TEXT, ...MORE_HOSTILE_TEXT, "x".repeat(10_000)];

/** The same marks that the data below holds literally, each in one account's name only. */
const LITERALS = ["%", "_", "\\", "'"];

type UserRow = typeof users.$inferSelect;
let admin: UserRow;
let portal: UserRow;
let acme: number;
const keys = {} as Record<"admin" | "portal", string>;

const counts = async () => {
  const tables = await queryRows<{ name: string }>(
    db(),
    sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from ${sql.identifier(name)}`,
    );
    out[name] = row!.n;
  }
  return out;
};

/** Tables a read may change: its GET entry, the key's rate-limit bucket and last use. */
// (audit_outbox: every entry is queued for SIEM streaming in its own transaction)
const READ_WRITES =
  /^(audit_log|audit_chain|audit_signatures|audit_outbox|api_key_usage|api_rate_limits)$/;
const stable = (c: Record<string, number>) =>
  Object.fromEntries(Object.entries(c).filter(([k]) => !READ_WRITES.test(k)));

beforeAll(async () => {
  admin = await insertTestUser(db(), { role: "admin" });
  const account = await insertTestAccount(db(), "customer", "Acme Hostile");
  acme = account.id;
  portal = await insertTestPortalUser(db(), account);
  // One account per mark, and one with none: a search for a mark finds its one account.
  for (const mark of LITERALS) await insertTestAccount(db(), "customer", `Mark ${mark} Ltd`);
  const carrier = await insertTestAccount(db(), "carrier", "Plain Carrier");
  keys.admin = await keyFor(db(), admin, "read", "Hostile admin");
  keys.portal = await keyFor(db(), portal, "read", "Hostile portal");
  for (const mark of [...LITERALS, "plain"]) {
    await recordAuditEvent(db(), systemActor("Seeder"), {
      action: "UPDATE",
      tableName: "destinations",
      recordPk: "7",
      accountId: acme,
      message: `Renamed to Mark ${mark} dest`,
    });
  }
  const now = Date.now();
  await ingestCdrs(
    db(),
    systemActor("Switch"),
    [...LITERALS, "plain"].map((mark, n) => ({
      dt: new Date(now - (n + 1) * 60_000).toISOString(),
      callid: `hostile-${n}`,
      source_dest_number: "491511234567",
      dest_number: "491511234567",
      customer_id: acme,
      carrier_id: carrier.id,
      customer_dest_name: `${mark} Germany`,
      carrier_dest_name: `${mark} DE`,
      customer_rate: 0.01,
      customer_duration: 60,
      customer_charge: 0.01,
      carrier_rate: 0.005,
      carrier_duration: 60,
      carrier_charge: 0.005,
      carrier_currency: "USD",
      duration: 60,
      sip_code: 200,
      sip_reason: "OK",
    })),
  );
});

const reads = ENDPOINTS.filter((e) => e.method === "GET");

/** The query parameter names an endpoint declares. */
const queryKeys = (e: Endpoint) =>
  e.query && "shape" in e.query ? Object.keys(e.query.shape as object) : [];

/** A path with each {param} filled by `value`. */
const pathOf = (e: Endpoint, value: string) =>
  e.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(value));

async function read(e: Endpoint, who: keyof typeof keys, query: string, id = String(acme)) {
  return callApi(db(), e, {
    key: keys[who],
    path: `${pathOf(e, id)}${query}`,
    params: e.params ? { id } : {},
  });
}

describe("every REST API read, every query parameter, every payload", () => {
  for (const who of ["admin", "portal"] as const) {
    it(`[${who}] answers 200 or 4xx, and changes no table`, async () => {
      const before = stable(await counts());
      const failures: string[] = [];
      let requests = 0;
      for (const e of reads) {
        for (const key of queryKeys(e)) {
          for (const payload of PAYLOADS) {
            const res = await read(e, who, `?${key}=${encodeURIComponent(payload)}`);
            requests++;
            if (res.status >= 500 || res.status < 200)
              failures.push(
                `${e.path}?${key}=${JSON.stringify(payload.slice(0, 40))}: ${res.status}`,
              );
            await res.body?.cancel();
          }
        }
        if (e.params) {
          for (const payload of PAYLOADS) {
            const res = await read(e, who, "", payload);
            requests++;
            if (res.status !== 404)
              failures.push(`${e.path} id=${JSON.stringify(payload.slice(0, 40))}: ${res.status}`);
            await res.body?.cancel();
          }
        }
      }
      expect(failures).toEqual([]);
      // Every list endpoint took part (a renamed schema would silently skip one).
      expect(requests).toBeGreaterThan(PAYLOADS.length * 20);
      expect(stable(await counts())).toEqual(before);
    });
  }
});

type Page = { data: Record<string, unknown>[] };
const json = async (res: Response) => {
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

describe("text searches match literally", () => {
  it("accounts q: each mark finds the one account holding it", async () => {
    for (const mark of LITERALS) {
      const page = await json(
        await read(accountEndpoints.list, "admin", `?q=${encodeURIComponent(mark)}`),
      );
      expect(
        page.data.map((a) => a.name),
        mark,
      ).toEqual([`Mark ${mark} Ltd`]);
    }
    for (const payload of ["' OR 1=1--", ") OR (1=1", "%' OR '1'='1"]) {
      const page = await json(
        await read(accountEndpoints.list, "admin", `?q=${encodeURIComponent(payload)}`),
      );
      expect(page.data, payload).toEqual([]);
    }
  });

  it("the accounts page's own parser and query: the same literal matches", async () => {
    for (const mark of LITERALS) {
      const rows = await listAccounts(db(), accountListFilters({ q: mark }));
      expect(
        rows.rows.map((a) => a.name),
        mark,
      ).toEqual([`Mark ${mark} Ltd`]);
    }
    expect((await listAccounts(db(), accountListFilters({ q: "' OR 1=1--" }))).rows).toEqual([]);
    // No stored name can hold U+0000, so a search holding it finds nothing (it was a 500).
    expect((await listAccounts(db(), accountListFilters({ q: "Mark\u0000" }))).rows).toEqual([]);
  });

  it("audit-log q: free text, phrases and qualifiers take the marks literally", async () => {
    for (const who of ["admin", "portal"] as const) {
      for (const mark of LITERALS) {
        for (const q of [`Mark ${mark}`, `"Mark ${mark} dest"`]) {
          const page = await json(
            await read(
              auditLogEndpoints.list,
              who,
              `?q=${encodeURIComponent(q)}&table=destinations`,
            ),
          );
          expect(
            page.data.map((r) => r.message),
            `${who} ${q}`,
          ).toEqual([`Renamed to Mark ${mark} dest`]);
        }
      }
      for (const q of ["' OR 1=1--", "%' OR '1'='1", "pk:' OR 1=1--", "user:%"]) {
        const page = await json(
          await read(auditLogEndpoints.list, who, `?q=${encodeURIComponent(q)}&table=destinations`),
        );
        expect(page.data, `${who} ${q}`).toEqual([]);
      }
    }
  });

  it("CDRs dest: matched from its start, marks literally", async () => {
    for (const who of ["admin", "portal"] as const) {
      for (const mark of LITERALS) {
        const page = await json(
          await read(cdrEndpoints.list, who, `?dest=${encodeURIComponent(mark)}`),
        );
        expect(
          page.data.map((r) => r.customer_dest_name),
          `${who} ${mark}`,
        ).toEqual([`${mark} Germany`]);
      }
      const page = await json(await read(cdrEndpoints.list, who, "?dest=%25%00"));
      expect(page.data, `${who} NUL`).toEqual([]);
    }
  });
});

describe("the pages' URL parsers", () => {
  // The pages fall back on what they cannot read; a throw here was a 500 (breakout from/to).
  const dates = [...PAYLOADS, "2026-13-45", "2026-02-30", "0000-00-00", "9999-99-99"];
  it("read every payload in every parameter without throwing", () => {
    for (const value of dates) {
      const raw = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, value]));
      const breakout = parseBreakoutParams(
        raw(["from", "to", "group", "period", "customer", "carrier", "sort", "dir"]),
        "UTC",
      );
      // Unread dates fall back on the default range, as with none given.
      const { from, to } = parseBreakoutParams({}, "UTC");
      expect(breakout, JSON.stringify(value)).toMatchObject({ from, to });
      parseCdrPageParams(
        raw(["from", "to", "account", "dest", "sip", "number", "order", "cursor"]),
      );
      parseAuditPageParams(raw(["q", "action", "table", "user", "ip", "pk", "from", "to", "size"]));
    }
  });
});

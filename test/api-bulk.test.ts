import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, cdrs, type users } from "@/db/schema";
import { auditLogEndpoints } from "@/lib/api/v1/audit-log";
import { breakoutEndpoints } from "@/lib/api/v1/breakout";
import { cdrEndpoints } from "@/lib/api/v1/cdrs";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { ingestCdrs } from "@/lib/cdrs/ingest";
import { callApi, keyFor } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";

/**
 * The bulk reads (audit log, CDRs, breakout report) and the CDR batch ingest through the API:
 * each read sees what the key owner's policy shows and writes exactly one GET entry with names
 * and a count, never values; hidden columns are absent and refused; cursors walk every row once.
 */

process.env.AUTH_SECRET ??= "test-secret-for-cdr-references-0123456789";

const database = setUpTestDatabase();
const db = () => database.db;

/** In the IP column of the seeded entries only: its text must never reach a support key. */
const SEEDED_IP = "192.0.2.77";
const DAY = "2026-06-10";
const RANGE = `from=${DAY}T00:00&to=2026-06-11T00:00`;

type UserRow = typeof users.$inferSelect;
let acme: number;
let other: number;
let zephyr: number;
let admin: UserRow;
const keys = {} as Record<"admin" | "adminRead" | "support" | "customer", string>;

let calls = 0;
/** A connected call on DAY, sold to `customer` and bought from zephyr. */
function cdr(customer: number, over: Record<string, unknown> = {}, day = DAY) {
  const n = ++calls;
  const start = Date.parse(`${day}T08:00:00Z`) + n * 60_000;
  return {
    dt: new Date(start).toISOString(),
    answer_time: new Date(start + 2_000).toISOString(),
    end_time: new Date(start + 62_000).toISOString(),
    callid: `call-${n}@bulk.test`,
    callid_b: `b-leg-${n}`,
    source_dest_number: `4915112345${n % 100}`,
    dest_number: `4915112345${n % 100}`,
    customer_id: customer,
    carrier_id: zephyr,
    customer_dest_name: "Germany Mobile",
    carrier_dest_name: "DE Mobile",
    customer_rate: 0.012,
    customer_duration: 60,
    customer_charge: 0.012,
    carrier_rate: 0.01,
    carrier_duration: 60,
    carrier_charge: 0.01,
    carrier_currency: "USD",
    duration: 60,
    sip_code: 200,
    sip_reason: "OK",
    ...over,
  };
}

beforeAll(async () => {
  acme = (await insertTestAccount(db(), "customer")).id;
  other = (await insertTestAccount(db(), "customer")).id;
  zephyr = (await insertTestAccount(db(), "carrier")).id;
  admin = await insertTestUser(db(), { role: "admin" });
  const support = await insertTestUser(db(), { role: "support" });
  const customer = await insertTestUser(db(), { role: "customer", accountId: acme });
  keys.admin = await keyFor(db(), admin, "read_write", "Switch");
  keys.adminRead = await keyFor(db(), admin, "read", "Reporting");
  keys.support = await keyFor(db(), support, "read_write", "Helpdesk");
  keys.customer = await keyFor(db(), customer, "read", "Portal sync");

  // Eleven entries on one table: 6 of acme's, 5 of the other account's, all from SEEDED_IP.
  for (let i = 0; i < 11; i++) {
    await recordAuditEvent(
      db(),
      { ...systemActor("Seeder"), ip: SEEDED_IP, at: new Date(Date.parse("2026-06-01") + i) },
      {
        action: "UPDATE",
        tableName: "destinations",
        recordPk: String(100 + i),
        accountId: i % 2 === 0 ? acme : other,
        message: `Renamed destination ${i}`,
      },
    );
  }
  // Seven CDRs: four of acme's, three of the other customer's.
  await ingestCdrs(db(), systemActor("Switch"), [
    ...Array.from({ length: 4 }, () => cdr(acme)),
    ...Array.from({ length: 3 }, () => cdr(other)),
  ]);
});

const lastEntryId = async () =>
  (
    await db()
      .select({ max: sql<number>`coalesce(max(${auditLog.id}), 0)::int` })
      .from(auditLog)
  )[0]!.max;
/** The entries written after `since`. */
const entriesAfter = (since: number) =>
  db().select().from(auditLog).where(gt(auditLog.id, since)).orderBy(auditLog.id);

const problemOf = async (res: Response) => {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const text = await res.text();
  return { text, body: JSON.parse(text) as Record<string, unknown> & { detail: string } };
};

type Page<T> = { data: T[]; nextCursor: string | null };
type AuditRow = { id: number; ip?: string | null; message?: string; tableName?: string };

describe("GET /audit-log", () => {
  it("reads with the page's language and filters and writes one GET entry with names only", async () => {
    const since = await lastEntryId();
    const res = await callApi(db(), auditLogEndpoints.list, {
      key: keys.admin,
      path: `/audit-log?q=${encodeURIComponent("Renamed ip:192.0.2.0/24")}&table=destinations`,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<AuditRow>;
    expect(page.data).toHaveLength(11);
    expect(page.data.every((r) => r.ip === SEEDED_IP && r.tableName === "destinations")).toBe(true);

    const written = await entriesAfter(since);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: "GET",
      tableName: "audit_log",
      accountId: null,
      actorType: "api",
      message: "Read 11 audit entries through the API (narrowed by text, IP, Table)",
    });
    for (const value of ["Renamed", "192.0.2", "destinations"]) {
      expect(written[0]!.message).not.toContain(value);
    }
  });

  it("sends a support key no ip member at all, and refuses its IP search, filter and sort", async () => {
    const res = await callApi(db(), auditLogEndpoints.list, {
      key: keys.support,
      path: "/audit-log?size=1000",
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SEEDED_IP);
    const page = JSON.parse(text) as Page<AuditRow>;
    expect(page.data.length).toBeGreaterThanOrEqual(11);
    expect(page.data.some((r) => r.message?.startsWith("Renamed destination"))).toBe(true);
    expect(page.data.filter((r) => "ip" in r)).toEqual([]);

    // The admin's view of the same entries does carry it: the test would see it if it leaked.
    const adminText = await (
      await callApi(db(), auditLogEndpoints.list, { key: keys.admin, path: "/audit-log?size=1000" })
    ).text();
    expect(adminText).toContain(SEEDED_IP);

    const since = await lastEntryId();
    for (const path of [
      `/audit-log?ip=${SEEDED_IP}`,
      `/audit-log?q=${encodeURIComponent(`ip:${SEEDED_IP}`)}`,
      "/audit-log?sort=ip",
    ]) {
      const refused = await callApi(db(), auditLogEndpoints.list, { key: keys.support, path });
      expect(refused.status).toBe(400);
      const { text: problemText, body } = await problemOf(refused);
      expect(body.detail).toContain("IP is not among your columns.");
      expect(problemText).not.toContain(SEEDED_IP);
    }
    expect(await entriesAfter(since)).toEqual([]);
  });

  it("shows a portal key its own account's entries only; another's is a 404", async () => {
    const since = await lastEntryId();
    const res = await callApi(db(), auditLogEndpoints.list, {
      key: keys.customer,
      path: "/audit-log?size=1000",
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<AuditRow>;
    const ids = page.data.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const outside = await db()
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(inArray(auditLog.id, ids), sql`${auditLog.accountId} is distinct from ${acme}`));
    expect(outside).toEqual([]);
    expect(page.data.filter((r) => "ip" in r)).toEqual([]);

    const written = await entriesAfter(since);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ action: "GET", tableName: "audit_log", accountId: acme });
    expect(written[0]!.message).toBe(`Read ${ids.length} audit entries through the API`);

    const [theirs] = await db()
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(eq(auditLog.accountId, other))
      .limit(1);
    const get = (id: number) =>
      callApi(db(), auditLogEndpoints.get, {
        key: keys.customer,
        path: `/audit-log/${id}`,
        params: { id: String(id) },
      });
    expect((await get(theirs!.id)).status).toBe(404);
    const own = await get(ids[0]!);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { id: number }).id).toBe(ids[0]);
    // Single reads are not logged.
    expect(await entriesAfter(written[0]!.id)).toEqual([]);

    const refused = await callApi(db(), auditLogEndpoints.list, {
      key: keys.customer,
      path: `/audit-log?ip=${SEEDED_IP}`,
    });
    expect(refused.status).toBe(400);
    expect((await problemOf(refused)).text).not.toContain(SEEDED_IP);
  });

  it("walks every entry once with cursors, one GET entry a page", async () => {
    const expected = (
      await db()
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(eq(auditLog.tableName, "destinations"))
    ).map((r) => r.id);
    const since = await lastEntryId();
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `table=destinations&size=4${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await callApi(db(), auditLogEndpoints.list, {
        key: keys.adminRead,
        path: `/audit-log?${query}`,
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page<AuditRow>;
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    const written = await entriesAfter(since);
    expect(written.map((e) => e.message)).toEqual([
      "Read 4 audit entries through the API (narrowed by Table)",
      "Read 4 audit entries through the API (narrowed by Table)",
      "Read 3 audit entries through the API (narrowed by Table)",
    ]);
  });

  it("refuses a malformed query with 400 and writes nothing", async () => {
    const since = await lastEntryId();
    for (const path of ["/audit-log?sort=colour", "/audit-log?cursor=abc", "/audit-log?size=0"]) {
      const res = await callApi(db(), auditLogEndpoints.list, { key: keys.admin, path });
      expect(res.status).toBe(400);
      await problemOf(res);
    }
    expect(await entriesAfter(since)).toEqual([]);
  });
});

type CdrOut = { ref: string } & Record<string, unknown>;

describe("GET /cdrs", () => {
  it("reads the caller's fields under their keys and writes one GET entry", async () => {
    const since = await lastEntryId();
    const res = await callApi(db(), cdrEndpoints.list, {
      key: keys.admin,
      path: `/cdrs?${RANGE}&dest=Germany`,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<CdrOut> & { from: string; to: string };
    expect(page.data).toHaveLength(7);
    expect(page).toMatchObject({ from: `${DAY}T00:00`, to: "2026-06-11T00:00", nextCursor: null });
    expect(page.data[0]).toMatchObject({ customer_dest_name: "Germany Mobile", sip_code: 200 });
    expect(page.data[0]!.ref).toMatch(/^[\w-]{22}$/);
    expect(page.data[0]).toHaveProperty("carrier_rate");

    const written = await entriesAfter(since);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: "GET",
      tableName: "cdrs",
      accountId: null,
      message: "Read 7 CDRs through the API (narrowed by destination)",
    });
  });

  it("shows a portal key its own calls only and refuses its hidden fields", async () => {
    const since = await lastEntryId();
    const res = await callApi(db(), cdrEndpoints.list, {
      key: keys.customer,
      path: `/cdrs?${RANGE}`,
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<CdrOut>;
    expect(page.data).toHaveLength(4);
    expect(page.data.every((r) => r.customer_id === acme)).toBe(true);
    for (const hidden of ["carrier_id", "carrier_rate", "carrier_charge", "profit", "id"]) {
      expect(page.data.filter((r) => hidden in r)).toEqual([]);
    }
    const written = await entriesAfter(since);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ action: "GET", tableName: "cdrs", accountId: acme });

    const after = await lastEntryId();
    const refusals: [string, string][] = [
      [`carrier=${zephyr}`, "Carrier is not among your fields."],
      [`account=${other}`, "The account filter is for staff"],
    ];
    for (const [filter, detail] of refusals) {
      const refused = await callApi(db(), cdrEndpoints.list, {
        key: keys.customer,
        path: `/cdrs?${RANGE}&${filter}`,
      });
      expect(refused.status).toBe(400);
      expect((await problemOf(refused)).body.detail).toContain(detail);
    }
    expect(await entriesAfter(after)).toEqual([]);
  });

  it("walks every CDR once with the sealed cursors", async () => {
    const refs: string[] = [];
    const callids: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await callApi(db(), cdrEndpoints.list, {
        key: keys.admin,
        path: `/cdrs?${RANGE}&size=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page<CdrOut>;
      refs.push(...page.data.map((r) => r.ref));
      callids.push(...page.data.map((r) => r.callid));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(callids).toHaveLength(7);
    expect(new Set(callids).size).toBe(7);
    expect(new Set(refs).size).toBe(7);
  });

  it("refuses what the page would silently ignore: a malformed filter, a forged cursor, a long range", async () => {
    const since = await lastEntryId();
    for (const query of [
      `${RANGE}&sip=abc`,
      `${RANGE}&number=12ab`,
      `${RANGE}&cursor=forged`,
      "from=2026-01-01&to=2026-06-01",
      `${RANGE}&order=sideways`,
    ]) {
      const res = await callApi(db(), cdrEndpoints.list, {
        key: keys.admin,
        path: `/cdrs?${query}`,
      });
      expect(res.status, query).toBe(400);
      await problemOf(res);
    }
    expect(await entriesAfter(since)).toEqual([]);
  });
});

describe("POST /cdrs/batches", () => {
  const BATCH_DAY = "2026-06-20";
  const cdrCount = () => db().$count(cdrs);
  const entryCount = () => db().$count(auditLog);

  it("refuses a batch with a bad row whole: 422 with the row errors, nothing written", async () => {
    const before = { cdrs: await cdrCount(), entries: await entryCount() };
    const res = await callApi(db(), cdrEndpoints.ingest, {
      key: keys.admin,
      body: {
        rows: [
          cdr(acme, {}, BATCH_DAY),
          cdr(acme, { customer_id: 999_999 }, BATCH_DAY),
          cdr(acme, { sip_code: 99 }, BATCH_DAY),
        ],
      },
    });
    expect(res.status).toBe(422);
    const { body } = await problemOf(res);
    expect(body.detail).toMatch(/^2 of 3 CDRs are invalid, so none was imported/);
    expect(body.badRows).toBe(2);
    expect(body.errors).toEqual({
      "row 2": ["customer_id no account has id 999999"],
      "row 3": [expect.stringMatching(/^sip_code /)],
    });
    expect(body.rowErrors).toEqual([
      { row: 2, field: "customer_id", message: "no account has id 999999" },
      { row: 3, field: "sip_code", message: expect.any(String) },
    ]);
    expect({ cdrs: await cdrCount(), entries: await entryCount() }).toEqual(before);
  });

  it("imports a good batch past the default body limit: 201 and one POST entry; a retry replays", async () => {
    const since = await lastEntryId();
    const before = await cdrCount();
    // About 2 MB: over the API's default 1 MiB, within the batch route's own limit.
    const rows = Array.from({ length: 3000 }, () =>
      cdr(acme, { user_agent: "x".repeat(200) }, BATCH_DAY),
    );
    const call = () =>
      callApi(db(), cdrEndpoints.ingest, {
        key: keys.admin,
        body: { rows },
        headers: { "idempotency-key": "batch-2026-06-20-1" },
      });
    const res = await call();
    expect(res.status).toBe(201);
    const body = (await res.json()) as { count: number; firstId: number; lastId: number };
    expect(body.count).toBe(3000);
    expect(await cdrCount()).toBe(before + 3000);
    const written = await entriesAfter(since);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: "POST",
      tableName: "cdrs",
      actorType: "api",
      actorLabel: `${admin.name} · Switch`,
      recordPk: String(body.firstId),
    });

    const again = await call();
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(body);
    expect(await cdrCount()).toBe(before + 3000);
    expect(await entriesAfter(since)).toHaveLength(1);
  });

  it("refuses a body over 16 MiB with 413, read keys and keys without cdr:ingest with 403", async () => {
    const before = { cdrs: await cdrCount(), entries: await entryCount() };
    const huge = `{"rows":[${`"${"x".repeat(1024 * 1024)}",`.repeat(17)}1]}`;
    const tooBig = await callApi(db(), cdrEndpoints.ingest, { key: keys.admin, body: huge });
    expect(tooBig.status).toBe(413);
    await problemOf(tooBig);
    for (const key of [keys.adminRead, keys.support, keys.customer]) {
      const res = await callApi(db(), cdrEndpoints.ingest, {
        key,
        body: { rows: [cdr(acme, {}, BATCH_DAY)] },
      });
      expect(res.status).toBe(403);
      await problemOf(res);
    }
    expect({ cdrs: await cdrCount(), entries: await entryCount() }).toEqual(before);
  });
});

type Report = {
  columns: { key: string; label: string }[];
  rows: Record<string, unknown>[];
  totals: Record<string, unknown>[];
};

describe("GET /reports/breakout", () => {
  it("reports the caller's columns and writes one GET entry naming the grouping", async () => {
    const since = await lastEntryId();
    const res = await callApi(db(), breakoutEndpoints.report, {
      key: keys.admin,
      path: `/reports/breakout?from=${DAY}&to=${DAY}&group=customer&customer=${acme},${other}`,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.rows).toHaveLength(2);
    expect(report.columns.map((c) => c.key)).toEqual(expect.arrayContaining(["customer", "cost"]));
    expect(report.totals[0]).toMatchObject({ attempts: 7 });
    const written = await entriesAfter(since);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: "GET",
      tableName: "cdrs",
      accountId: null,
      message: "Read 2 breakout rows through the API (grouped by Customer, narrowed by customer)",
    });
  });

  it("gives a portal key its own traffic without the buy side, and refuses hidden columns", async () => {
    const since = await lastEntryId();
    const res = await callApi(db(), breakoutEndpoints.report, {
      key: keys.customer,
      path: `/reports/breakout?from=${DAY}&to=${DAY}`,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.totals[0]).toMatchObject({ attempts: 4 });
    const keysShown = report.columns.map((c) => c.key);
    for (const hidden of ["cost", "profit", "margin", "carrier", "customer"]) {
      expect(keysShown).not.toContain(hidden);
    }
    expect((await entriesAfter(since))[0]).toMatchObject({ action: "GET", accountId: acme });

    const after = await lastEntryId();
    for (const query of ["group=customer", `carrier=${zephyr}`, "sort=profit"]) {
      const refused = await callApi(db(), breakoutEndpoints.report, {
        key: keys.customer,
        path: `/reports/breakout?from=${DAY}&to=${DAY}&${query}`,
      });
      expect(refused.status, query).toBe(400);
      expect((await problemOf(refused)).body.detail).toMatch(/is not among your columns/);
    }
    for (const query of ["from=2026-02-30", "period=hourly", "group=colour"]) {
      const refused = await callApi(db(), breakoutEndpoints.report, {
        key: keys.customer,
        path: `/reports/breakout?${query}`,
      });
      expect(refused.status, query).toBe(400);
    }
    expect(await entriesAfter(after)).toEqual([]);
  });
});

import { sql } from "drizzle-orm";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, cdrDaily, columnPermissions, type UserRole } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { cdrViewerPolicy, type CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { findBreakoutReport, type BreakoutReport } from "@/lib/reports/breakout";
import { exportBreakoutCsv } from "@/lib/reports/breakout-export";
import { parseBreakoutParams, type RawSearchParams } from "@/lib/reports/breakout-params";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { REQUEST } from "./run-action";

/**
 * The breakout report from the daily roll-up, read as each kind of viewer: measures are ratios of
 * sums (rows are built so that an average of daily ratios gives another answer), hidden columns
 * are never computed nor usable, and each viewer sees only their own traffic.
 */

const database = setUpTestDatabase();

const FROM = "2026-03-01";
const TO = "2026-03-07";
let acme: number; // customer, USD
let euro: number; // customer, EUR
let zephyr: number; // carrier
let orbit: number; // carrier
const policies = {} as Record<"admin" | "support" | "customer" | "carrier", CdrViewerPolicy>;
const users = {} as Record<"admin" | "customer", Awaited<ReturnType<typeof insertTestUser>>>;

type DailyRow = typeof cdrDaily.$inferInsert;
const daily = (row: Partial<DailyRow> & Pick<DailyRow, "day" | "customerId">): DailyRow => ({
  carrierId: 0,
  customerDestName: "",
  carrierDestName: "",
  customerCurrency: "USD",
  carrierCurrency: "USD",
  attempts: 0,
  connected: 0,
  shortCalls: 0,
  durationS: "0",
  customerDurationS: 0,
  carrierDurationS: 0,
  customerCharge: "0",
  carrierCharge: "0",
  profit: "0",
  pddSumMs: 0,
  pddCount: 0,
  pddOutSumMs: 0,
  pddOutCount: 0,
  ...row,
});

async function policyOf(role: UserRole, accountId: number | null) {
  const user = await insertTestUser(database.db, { role, accountId });
  const policy = await cdrViewerPolicy(database.db, { ...user, timeZone: "UTC" });
  if (!policy) throw new Error(`${role} has no CDR policy`);
  return { user, policy };
}

const params = (raw: RawSearchParams = {}) =>
  parseBreakoutParams({ from: FROM, to: TO, ...raw }, "UTC");

async function report(policy: CdrViewerPolicy, raw: RawSearchParams = {}) {
  const result = await findBreakoutReport(database.db, policy, params(raw));
  if (!result.ok) throw new Error(result.error);
  return { ...result.report, refused: result.refused };
}

/** A breakout column_permissions row, written through the audited core like the settings page. */
async function setColumns(values: { role?: UserRole; userId?: number; columns: string[] }) {
  await auditedMutation(database.db, systemActor("test"), {
    table: "column_permissions",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(columnPermissions)
        .values({ surface: "breakout", ...values })
        .returning({ id: columnPermissions.id });
      return row!.id;
    },
  });
}

/** A new user of `role` whose own breakout columns the admin has set. */
async function withUserColumns(role: UserRole, columns: string[]) {
  const user = await insertTestUser(database.db, { role });
  await setColumns({ userId: user.id, columns });
  return (await cdrViewerPolicy(database.db, { ...user, timeZone: "UTC" }))!;
}

const headers = (r: BreakoutReport) => r.plan.columns.map((c) => c.key);

/**
 * Roll-up rows as ingest would leave them: cdr_daily, and cdr_daily_breakout rebuilt from it
 * (ingest keeps both from the same batch; test/cdr-ingest.test.ts proves each equals the CDRs).
 */
async function insertDaily(rows: DailyRow | DailyRow[]) {
  await database.db.insert(cdrDaily).values(Array.isArray(rows) ? rows : [rows]);
  await database.db.execute(sql`delete from cdr_daily_breakout`);
  await database.db.execute(sql`
    insert into cdr_daily_breakout
    select day, customer_dest_name, customer_currency, sum(attempts), sum(connected),
      sum(short_calls), sum(duration_s), sum(customer_duration_s), sum(carrier_duration_s),
      sum(customer_charge), sum(profit), sum(pdd_sum_ms), sum(pdd_count)
    from cdr_daily group by 1, 2, 3`);
}

beforeAll(async () => {
  acme = (await insertTestAccount(database.db, "customer", "Acme Breakout")).id;
  euro = (await insertTestAccount(database.db, "customer", "Euro Breakout")).id;
  zephyr = (await insertTestAccount(database.db, "carrier", "Zephyr Breakout")).id;
  orbit = (await insertTestAccount(database.db, "carrier", "Orbit Breakout")).id;
  await insertDaily([
    // UK Mobile for Acme over Zephyr: a good small day and a bad big day. Averages of the daily
    // ratios would say ASR 50 %, ACD 55 s, PDD 1500 ms, margin 30 %; the sums say otherwise.
    daily({
      day: "2026-03-02",
      customerId: acme,
      carrierId: zephyr,
      customerDestName: "UK Mobile",
      carrierDestName: "GB Mob Z",
      attempts: 10,
      connected: 9,
      shortCalls: 1,
      durationS: "900",
      customerDurationS: 960,
      carrierDurationS: 930,
      customerCharge: "10",
      carrierCharge: "5",
      profit: "5",
      pddSumMs: 9000,
      pddCount: 9,
      pddOutSumMs: 4500,
      pddOutCount: 9,
    }),
    daily({
      day: "2026-03-03",
      customerId: acme,
      carrierId: zephyr,
      customerDestName: "UK Mobile",
      carrierDestName: "GB Mob Z",
      attempts: 100,
      connected: 10,
      shortCalls: 5,
      durationS: "100",
      customerDurationS: 120,
      carrierDurationS: 110,
      customerCharge: "90",
      carrierCharge: "81",
      profit: "9",
      pddSumMs: 20000,
      pddCount: 10,
      pddOutSumMs: 30000,
      pddOutCount: 10,
    }),
    // Euro's traffic in EUR over Orbit: another currency, another carrier.
    daily({
      day: "2026-03-03",
      customerId: euro,
      carrierId: orbit,
      customerDestName: "UK Mobile",
      carrierDestName: "GB Mob O",
      customerCurrency: "EUR",
      carrierCurrency: "EUR",
      attempts: 50,
      connected: 25,
      durationS: "3000",
      customerDurationS: 3000,
      carrierDurationS: 3000,
      customerCharge: "30",
      carrierCharge: "20",
      profit: "10",
      pddSumMs: 50000,
      pddCount: 25,
    }),
    // Acme over Orbit to Germany, and a day outside the range that must not count.
    daily({
      day: "2026-03-05",
      customerId: acme,
      carrierId: orbit,
      customerDestName: "Germany Fixed",
      carrierDestName: "DE Fix O",
      attempts: 40,
      connected: 30,
      durationS: "1800",
      customerDurationS: 1800,
      carrierDurationS: 1800,
      customerCharge: "20",
      carrierCharge: "12",
      profit: "8",
      pddSumMs: 30000,
      pddCount: 30,
    }),
    daily({
      day: "2026-03-09",
      customerId: acme,
      carrierId: zephyr,
      customerDestName: "UK Mobile",
      carrierDestName: "GB Mob Z",
      attempts: 1000,
      connected: 1000,
      durationS: "60000",
      customerCharge: "999",
      profit: "999",
    }),
  ]);
  const admin = await policyOf("admin", null);
  const customer = await policyOf("customer", acme);
  users.admin = admin.user;
  users.customer = customer.user;
  policies.admin = admin.policy;
  policies.customer = customer.policy;
  policies.support = (await policyOf("support", null)).policy;
  policies.carrier = (await policyOf("carrier", zephyr)).policy;
});

describe("measures come from sums", () => {
  it("ASR, ACD, PDD, short % and margin of a breakout are ratios of its sums over the days", async () => {
    const r = await report(policies.admin, { customer: String(acme), group: "customer_dest_name" });
    const uk = r.rows.find((row) => row.customer_dest_name === "UK Mobile")!;
    expect(uk).toMatchObject({
      currency: "USD",
      attempts: 110,
      connected: 19,
      asr: 17.27, // 19 / 110, not (90 + 10) / 2
      acd: 52.6, // 1000 s / 19, not (100 + 10) / 2
      pdd: 1526, // 29000 ms / 19, not (1000 + 2000) / 2
      short_calls: 6,
      short_pct: 31.58, // 6 / 19
      minutes: 16.67,
      billed_minutes: 18,
      carrier_minutes: 17.33,
      revenue: "100.0000",
      cost: "86.0000", // revenue − profit, in the customer's currency
      profit: "14.0000",
      margin: 14, // 14 / 100, not (50 + 10) / 2
    });
  });

  it("the totals row is computed from the sums of the whole result, per currency", async () => {
    const r = await report(policies.admin, { group: "customer_dest_name" });
    expect(r.rows.map((row) => [row.customer_dest_name, row.currency])).toEqual([
      ["UK Mobile", "USD"], // sorted by attempts, descending, by default
      ["UK Mobile", "EUR"],
      ["Germany Fixed", "USD"],
    ]);
    const usd = r.totals.find((t) => t.currency === "USD")!;
    const eur = r.totals.find((t) => t.currency === "EUR")!;
    expect(r.totals).toHaveLength(2);
    // 49 / 150 — the mean of the rows' ASRs (17.27 and 75) would be 46.14.
    expect(usd).toMatchObject({ attempts: 150, connected: 49, asr: 32.67, revenue: "120.0000" });
    expect(usd.margin).toBe(18.33); // 22 / 120
    expect(usd.acd).toBe(57.1); // 2800 / 49
    expect(eur).toMatchObject({ attempts: 50, connected: 25, asr: 50, profit: "10.0000" });
  });

  it("without money columns the totals are one row over every currency", async () => {
    const policy = await withUserColumns("support", [
      "customer_dest_name",
      "attempts",
      "connected",
      "asr",
    ]);
    const r = await report(policy, { group: "customer_dest_name" });
    expect(headers(r)).toEqual(["customer_dest_name", "attempts", "connected", "asr"]);
    expect(r.totals).toEqual([expect.objectContaining({ attempts: 200, connected: 74 })]);
    expect(r.rows.map((row) => row.customer_dest_name)).toEqual(["UK Mobile", "Germany Fixed"]);
    expect(r.rows[0]).toMatchObject({ attempts: 160, connected: 44, asr: 27.5 });
  });

  it("groups by customer, carrier and period, with account names", async () => {
    const r = await report(policies.admin, {
      group: "customer,carrier",
      period: "week",
      sort: "customer",
      dir: "asc",
    });
    expect(headers(r).slice(0, 4)).toEqual(["period", "customer", "carrier", "currency"]);
    expect(r.rows.map((row) => [row.period, row.customer, row.carrier, row.attempts])).toEqual([
      ["2026-03-02", "Acme Breakout", "Orbit Breakout", 40],
      ["2026-03-02", "Acme Breakout", "Zephyr Breakout", 110],
      ["2026-03-02", "Euro Breakout", "Orbit Breakout", 50],
    ]);
  });

  it("sorts by any shown column, both ways", async () => {
    const asc = await report(policies.admin, { group: "customer_dest_name", sort: "asr" });
    expect(asc.rows.map((row) => row.asr)).toEqual([17.27, 50, 75]);
    const desc = await report(policies.admin, {
      group: "customer_dest_name",
      sort: "revenue",
      dir: "desc",
    });
    // Money sorts as numbers (100 before 30 before 20), though it leaves the database as text.
    expect(desc.rows.map((row) => row.revenue)).toEqual(["100.0000", "30.0000", "20.0000"]);
  });

  it("the chart has a point per day of the range, days without traffic at zero", async () => {
    const r = await report(policies.admin, { customer: String(acme) });
    expect(r.chart.series).toEqual(["minutes", "asr"]);
    expect(r.chart.points).toHaveLength(7);
    expect(r.chart.points[0]).toEqual({ day: FROM, minutes: 0, asr: null });
    expect(r.chart.points[1]).toEqual({ day: "2026-03-02", minutes: 15, asr: 90 });
  });
  it("a series the viewer may not see is neither drawn nor sent", async () => {
    const policy = await withUserColumns("support", ["customer_dest_name", "attempts", "asr"]);
    const r = await report(policy);
    expect(r.chart.series).toEqual(["asr"]);
    expect(r.chart.points[1]).toEqual({ day: "2026-03-02", asr: 90 });
    for (const point of r.chart.points) expect(point).not.toHaveProperty("minutes");
  });
});

describe("columns per role", () => {
  const MONEY_AND_BUY = ["cost", "profit", "margin", "carrier", "carrier_minutes"];

  it("admin has every column", async () => {
    expect(policies.admin.breakout.visible).toEqual(
      expect.arrayContaining(["revenue", "cost", "profit", "margin", "customer", "carrier"]),
    );
  });

  it("support has no cost, profit or margin by default", async () => {
    const r = await report(policies.support, { group: "customer_dest_name,customer" });
    expect(headers(r)).toContain("revenue");
    for (const key of ["cost", "profit", "margin"]) expect(headers(r)).not.toContain(key);
    for (const row of [...r.rows, ...r.totals]) {
      for (const key of ["cost", "profit", "margin"]) expect(row).not.toHaveProperty(key);
    }
  });

  it("the customer portal has no cost, profit, margin or carrier", async () => {
    const r = await report(policies.customer);
    for (const key of MONEY_AND_BUY) expect(headers(r)).not.toContain(key);
    expect(headers(r)).toEqual(expect.arrayContaining(["customer_dest_name", "revenue", "asr"]));
    for (const row of [...r.rows, ...r.totals]) {
      for (const key of MONEY_AND_BUY) expect(row).not.toHaveProperty(key);
    }
  });

  it("the carrier portal has no customer, revenue, billed minutes or profit, and its own leg", async () => {
    const r = await report(policies.carrier);
    for (const key of [
      "customer",
      "customer_dest_name",
      "revenue",
      "billed_minutes",
      "profit",
      "margin",
    ]) {
      expect(headers(r)).not.toContain(key);
    }
    expect(headers(r)).toEqual(
      expect.arrayContaining(["carrier_dest_name", "currency", "cost", "carrier_minutes", "pdd"]),
    );
    expect(r.rows).toEqual([
      expect.objectContaining({
        carrier_dest_name: "GB Mob Z",
        attempts: 110,
        pdd: 1816, // the carrier leg: 34500 ms / 19
        cost: "86.0000", // its own charge, in its currency
        currency: "USD",
      }),
    ]);
  });

  it("an admin's per-user setting gives one support user the margin", async () => {
    const policy = await withUserColumns("support", [
      "customer_dest_name",
      "attempts",
      "asr",
      "margin",
    ]);
    const r = await report(policy);
    expect(headers(r)).toEqual(["customer_dest_name", "currency", "attempts", "asr", "margin"]);
    expect(r.rows[0]).toMatchObject({ customer_dest_name: "UK Mobile", margin: 14 });
  });
});

describe("hidden columns cannot be used", () => {
  it("refuses a group, sort or filter on a column the viewer may not see, naming only the column", async () => {
    const r = await report(policies.customer, {
      group: "customer_dest_name,carrier",
      sort: "profit",
      carrier: String(orbit),
    });
    expect(r.refused).toEqual([
      "Carrier is not among your columns.",
      "Profit is not among your columns.",
    ]);
    // The refused parts are left out; the rest of the report runs.
    expect(headers(r)).not.toContain("carrier");
    expect(r.rows.map((row) => row.customer_dest_name)).toEqual(["UK Mobile", "Germany Fixed"]);
  });

  it("refuses grouping by carrier destination once the role's setting no longer allows it", async () => {
    await setColumns({ role: "auditor", columns: ["customer_dest_name", "attempts"] });
    const auditor = await insertTestUser(database.db, { role: "auditor" });
    const policy = (await cdrViewerPolicy(database.db, { ...auditor, timeZone: "UTC" }))!;
    const r = await report(policy, { group: "carrier_dest_name", sort: "cost" });
    expect(r.refused).toEqual([
      "Carrier destination is not among your columns.",
      "Cost is not among your columns.",
    ]);
    expect(headers(r)).toEqual(["attempts"]);
    expect(r.rows).toEqual([{ attempts: 200 }]);
  });

  it("an unknown range is refused as a whole", async () => {
    const result = await findBreakoutReport(
      database.db,
      policies.admin,
      parseBreakoutParams({ from: "2025-01-01", to: "2026-03-01" }, "UTC"),
    );
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining("366 days") });
  });
});

describe("scope", () => {
  it("a customer sees only its own traffic, whatever the filters say", async () => {
    const r = await report(policies.customer, { customer: String(euro) });
    expect(r.refused).toEqual(["Customer is not among your columns."]);
    expect(r.totals).toEqual([expect.objectContaining({ attempts: 150, currency: "USD" })]);
  });

  it("a carrier sees only the traffic it terminated", async () => {
    const r = await report(policies.carrier, { group: "none" });
    expect(r.rows).toEqual([expect.objectContaining({ attempts: 110, connected: 19 })]);
  });

  it("staff see every account", async () => {
    const r = await report(policies.support, { group: "none" });
    expect(r.rows).toEqual([
      expect.objectContaining({ currency: "USD", attempts: 150 }),
      expect.objectContaining({ currency: "EUR", attempts: 50 }),
    ]);
  });
});

describe("CSV export", () => {
  const exportAs = (who: "admin" | "customer", query: string) =>
    exportBreakoutCsv(
      database.db,
      policies[who],
      actorForUser(users[who], REQUEST),
      new URL(`https://trunkline.example/reports/breakout/export?${query}`),
    );

  it("writes the visible columns and the totals, and a GENERATE entry naming what shaped it", async () => {
    const res = await exportAs(
      "admin",
      `from=${FROM}&to=${TO}&group=customer_dest_name,customer&period=month&customer=${acme}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe(
      "Month,Breakout,Customer,Currency,Attempts,Connected,ASR %,ACD (s),PDD (ms),Short calls,Short %,Minutes,Billed minutes,Carrier minutes,Revenue,Cost,Profit,Margin %",
    );
    expect(lines).toHaveLength(4);
    // By period first, then by the keys.
    expect(lines[1]).toMatch(/^2026-03-01,Germany Fixed,Acme Breakout,USD,40,30,75,/);
    expect(lines[2]).toMatch(/^2026-03-01,UK Mobile,Acme Breakout,USD,110,19,17.27,/);
    expect(lines[3]).toMatch(/^Total,,,USD,150,49,32.67,/);
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "GENERATE"), eq(auditLog.actorUserId, users.admin.id)));
    expect(entry).toMatchObject({
      tableName: "cdrs",
      accountId: null,
      message:
        "Exported the breakout report (CSV), grouped by Breakout and Customer per month, narrowed by customer",
    });
  });

  it("a portal export has the portal's columns only and is entered under its account", async () => {
    const res = await exportAs("customer", `from=${FROM}&to=${TO}`);
    const text = await res.text();
    expect(text.split("\n")[0]).toBe(
      "Breakout,Currency,Attempts,Connected,ASR %,ACD (s),PDD (ms),Short calls,Short %,Minutes,Billed minutes,Revenue",
    );
    expect(text).not.toMatch(/Cost|Profit|Margin|Carrier|Orbit|Zephyr|GB Mob/);
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "GENERATE"), eq(auditLog.actorUserId, users.customer.id)));
    expect(entry).toMatchObject({
      tableName: "cdrs",
      accountId: acme,
      actorLabel: "Portal",
      message: "Exported the breakout report (CSV), grouped by Breakout",
    });
  });

  it("a refused column is a problem response, and nothing is entered", async () => {
    const before = await database.db.$count(auditLog);
    const res = await exportAs("customer", `from=${FROM}&to=${TO}&sort=cost`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ detail: "Cost is not among your columns." });
    expect(await database.db.$count(auditLog)).toBe(before);
  });

  it("keeps formula-looking names as text", async () => {
    await insertDaily(
      daily({
        day: "2026-04-01",
        customerId: acme,
        customerDestName: "=HYPERLINK(1)",
        attempts: 1,
      }),
    );
    const res = await exportAs("admin", "from=2026-04-01&to=2026-04-01");
    expect(await res.text()).toContain("'=HYPERLINK(1)");
  });
});

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { cdrDaily, cdrs } from "@/db/schema";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { streamCdrExport } from "@/lib/cdrs/export-response";
import { defaultCdrFields } from "@/lib/cdrs/fields";
import { setAudienceFieldsOperation } from "@/lib/cdrs/set-audience-fields";
import { cdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { exportBreakoutCsv } from "@/lib/reports/breakout-export";
import { sql } from "drizzle-orm";
import { FORMULAS, liveFormulas, parseCsv } from "./csv";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { insertTestPortalUser } from "./portal-support";
import { REQUEST, asCurrent, runAs } from "./run-action";

/**
 * The CDR and breakout exports (the audit log's is test/audit-export-formula.test.ts): values
 * starting with each of = + - @ tab and CR, in the cells and in the header (CDR field labels are
 * an admin's free text, shown to portal users), come out prefixed with a quote, never live.
 */

process.env.AUTH_SECRET ??= "test-secret-for-cdr-references-0123456789";

const database = setUpTestDatabase();
const AT = new Date("2026-11-30T11:00:00Z");
let customer: Awaited<ReturnType<typeof insertTestPortalUser>>;
let admin: Awaited<ReturnType<typeof insertTestUser>>;
let accountId: number;
let carrierId: number;

beforeAll(async () => {
  const db = database.db;
  admin = await insertTestUser(db, { role: "admin" });
  const account = await insertTestAccount(db, "customer", FORMULAS[0]);
  accountId = account.id;
  carrierId = (await insertTestAccount(db, "carrier", "+Carrier")).id;
  customer = await insertTestPortalUser(db, account);
  await db.insert(cdrs).values(
    FORMULAS.map((value, n) => ({
      dt: new Date(AT.getTime() + n * 1000),
      callid: value,
      sourceCli: "442070000001",
      sourceDestNumber: "491500000001",
      destCli: "442070000001",
      destNumber: "491500000001",
      customerId: accountId,
      carrierId,
      customerDestName: value,
      carrierDestName: value,
      customerRate: "0.050000",
      customerCharge: "0.022222",
      duration: "42.5",
      sipCode: 200,
      sipReason: value,
    })),
  );
  await db.insert(cdrDaily).values(
    FORMULAS.map((value) => ({
      day: "2026-11-30",
      customerId: accountId,
      carrierId,
      customerDestName: value,
      carrierDestName: value,
      customerCurrency: "USD",
      carrierCurrency: "USD",
      attempts: 1,
      connected: 1,
      shortCalls: 0,
      durationS: "42.5",
      customerDurationS: 43,
      carrierDurationS: 43,
      customerCharge: "0.02",
      carrierCharge: "0.01",
      profit: "0.01",
      pddSumMs: 0,
      pddCount: 0,
      pddOutSumMs: 0,
      pddOutCount: 0,
    })),
  );
  await db.execute(sql`
    insert into cdr_daily_breakout
    select day, customer_dest_name, customer_currency, sum(attempts), sum(connected),
      sum(short_calls), sum(duration_s), sum(customer_duration_s), sum(carrier_duration_s),
      sum(customer_charge), sum(profit), sum(pdd_sum_ms), sum(pdd_count)
    from cdr_daily group by 1, 2, 3`);
});

describe("the CDR export", () => {
  it("neutralises formulas in the cells and in admin-given labels", async () => {
    const fields = defaultCdrFields("customer");
    expect(fields).toEqual(expect.arrayContaining(["callid", "customer_dest_name"]));
    const saved = await runAs(database.db, setAudienceFieldsOperation, asCurrent(admin), {
      accountType: "customer",
      "fields[]": fields,
      "label.callid": "=cmd|'/C calc'!A0",
      "label.customer_dest_name": "@Destination",
    });
    expect(saved).toMatchObject({ status: "ok" });
    const policy = (await cdrViewerPolicy(database.db, customer))!;
    const res = await streamCdrExport(database.db, policy, actorForUser(customer, REQUEST), {
      from: "2026-11-30T00:00",
      to: "2026-11-30T23:59",
    });
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(expect.arrayContaining(["'=cmd|'/C calc'!A0", "'@Destination"]));
    expect(rows).toHaveLength(FORMULAS.length);
    for (const value of FORMULAS) expect(rows.flat(), JSON.stringify(value)).toContain(`'${value}`);
    expect(liveFormulas([...header!, ...rows.flat()])).toEqual([]);
  });
});

describe("the breakout export", () => {
  it("neutralises formulas in every group column", async () => {
    const policy = (await cdrViewerPolicy(database.db, { ...admin, timeZone: "UTC" }))!;
    const res = await exportBreakoutCsv(
      database.db,
      policy,
      actorForUser(admin, REQUEST),
      new URL(
        "https://trunkline.example/reports/breakout/export?from=2026-11-30&to=2026-11-30" +
          "&group=customer_dest_name,carrier_dest_name,customer,carrier",
      ),
    );
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toContain("Breakout");
    const cells = rows.flat();
    for (const value of FORMULAS) {
      // Its row's breakout and carrier destination; the first is also the customer's name.
      expect(cells.filter((c) => c === `'${value}`).length, JSON.stringify(value)).toBe(
        value === FORMULAS[0] ? FORMULAS.length + 2 : 2,
      );
    }
    expect(cells).toContain("'+Carrier");
    expect(liveFormulas([...header!, ...cells])).toEqual([]);
  });
});

// The rows above are found by the export, not by id: make sure they are there.
it("inserted one CDR per formula", async () => {
  expect(await database.db.$count(cdrs, eq(cdrs.customerId, accountId))).toBe(FORMULAS.length);
});

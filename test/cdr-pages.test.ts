import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { auditLog, cdrs } from "@/db/schema";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { openCdrRef, sealCdrCursor, sealCdrRef, sealCdrRefs } from "@/lib/cdrs/cdr-ref";
import { streamCdrExport } from "@/lib/cdrs/export-response";
import { CDR_FIELD_KEYS, type CdrFieldKey } from "@/lib/cdrs/fields";
import { parseCdrPageParams, type RawSearchParams } from "@/lib/cdrs/page-params";
import { findCdr, findCdrPage, type CdrRow } from "@/lib/cdrs/queries";
import { cdrViewerPolicy, type CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import type { UserRole } from "@/db/schema";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { REQUEST } from "./run-action";

/**
 * The CDR pages read through the viewer policy only: these tests insert CDRs of two customers
 * and two carriers and read them as each kind of viewer — scope, selected keys, refused filters,
 * the required date range, keyset pages, sealed references and the export.
 */

process.env.AUTH_SECRET ??= "test-secret-for-cdr-references-0123456789";

const database = setUpTestDatabase();
const NOW = new Date("2026-11-30T12:00:00Z");
const HOUR = 3_600_000;

let acme: number;
let other: number;
let zephyr: number;
let yonder: number;
type Viewer = { id: number; name: string; email: string; role: UserRole };
const viewers = {} as Record<"admin" | "support" | "customer" | "carrier", Viewer>;
const policies = {} as Record<keyof typeof viewers, CdrViewerPolicy>;

/** Distinctive per row, so a value can be traced to its field. */
const callidB = (n: number) => `b-leg-${n}-7f3c9e`;
const carrierRate = (n: number) => (0.1 + n / 100_000).toFixed(6);

async function insertCdrs(
  rows: { customerId: number; carrierId: number; at: number; n: number; connected?: boolean }[],
) {
  for (let i = 0; i < rows.length; i += 500) await insertBatch(rows.slice(i, i + 500));
}

async function insertBatch(
  rows: { customerId: number; carrierId: number; at: number; n: number; connected?: boolean }[],
) {
  await database.db.insert(cdrs).values(
    rows.map((r) => ({
      dt: new Date(r.at),
      callid: `a-leg-${r.n}@198.51.100.7`,
      callidB: callidB(r.n),
      sourceCli: `4420700${String(r.n).padStart(5, "0")}`,
      sourceDestNumber: `9901#4915${String(r.n).padStart(6, "0")}`,
      destCli: `4420700${String(r.n).padStart(5, "0")}`,
      destNumber: `4915${String(r.n).padStart(6, "0")}`,
      customerId: r.customerId,
      carrierId: r.carrierId,
      customerDestName: r.n % 2 ? "Germany - Mobile" : "Germany - Fixed",
      carrierDestName: r.n % 2 ? "DE Mobile (T)" : "DE Fixed (T)",
      customerRate: "0.050000",
      carrierRate: carrierRate(r.n),
      carrierCharge: "0.011111",
      customerCharge: "0.022222",
      duration: r.connected === false ? "0" : "42.5",
      sipCode: r.connected === false ? 486 : 200,
      sipReason: r.connected === false ? "No routes (profit assurance)" : "OK",
      sourceIp: "198.51.100.7",
      destIp: "203.0.113.99",
    })),
  );
}

async function policyOf(role: keyof typeof viewers, accountId: number | null) {
  const user = await insertTestUser(database.db, {
    role: role === "customer" ? "customer" : role === "carrier" ? "carrier" : role,
    accountId,
  });
  viewers[role] = user;
  const policy = await cdrViewerPolicy(database.db, { ...user, timeZone: "UTC" });
  if (!policy) throw new Error(`${role} has no CDR policy`);
  policies[role] = policy;
}

const params = (raw: RawSearchParams) => parseCdrPageParams(raw);

async function pageOf(role: keyof typeof viewers, raw: RawSearchParams, pageSize = 50) {
  return findCdrPage(database.db, policies[role], params(raw), { pageSize, now: NOW });
}

async function okPage(role: keyof typeof viewers, raw: RawSearchParams, pageSize = 50) {
  const result = await pageOf(role, raw, pageSize);
  if (!result.ok) throw new Error(result.error);
  return result;
}

/** Every row of the view, following Older/Later links. */
async function walk(role: keyof typeof viewers, raw: RawSearchParams, pageSize: number) {
  const seen: CdrRow[] = [];
  let cursor = "";
  for (let i = 0; i < 100; i++) {
    const result = await okPage(role, { ...raw, cursor }, pageSize);
    seen.push(...result.page.rows);
    if (!result.page.nextCursor) return seen;
    cursor = result.page.nextCursor;
  }
  throw new Error("the walk did not end");
}

const idsOf = (rows: CdrRow[]) => rows.map((r) => openCdrRef(r.ref));

beforeAll(async () => {
  acme = (await insertTestAccount(database.db, "customer")).id;
  other = (await insertTestAccount(database.db, "customer")).id;
  zephyr = (await insertTestAccount(database.db, "carrier")).id;
  yonder = (await insertTestAccount(database.db, "carrier")).id;
  const rows = [];
  for (let n = 1; n <= 60; n++) {
    // Ten calls share each start time: the keyset must break ties by id.
    const at = NOW.getTime() - HOUR - Math.floor(n / 10) * 60_000;
    rows.push({
      customerId: n % 3 === 0 ? other : acme,
      carrierId: n % 2 === 0 ? zephyr : yonder,
      at,
      n,
      connected: n % 5 !== 0,
    });
  }
  // Two days ago: outside the default range.
  rows.push({ customerId: acme, carrierId: zephyr, at: NOW.getTime() - 48 * HOUR, n: 999 });
  await insertCdrs(rows);
  await policyOf("admin", null);
  await policyOf("support", null);
  await policyOf("customer", acme);
  await policyOf("carrier", zephyr);
});

describe("scope", () => {
  it("[customer] sees only their own account's calls", async () => {
    const rows = await walk("customer", {}, 50);
    expect(rows.length).toBe(40);
    expect(new Set(rows.map((r) => r.values.customer_id))).toEqual(new Set([acme]));
  });

  it("[carrier] sees only the calls they terminated, with carrier-side fields", async () => {
    const rows = await walk("carrier", {}, 50);
    expect(rows.length).toBe(30);
    const keys = new Set(rows.flatMap((r) => Object.keys(r.values)));
    expect(keys.has("carrier_id")).toBe(true);
    expect(keys.has("callid_b")).toBe(true);
    expect(keys.has("carrier_rate")).toBe(true);
    expect(new Set(rows.map((r) => r.values.carrier_id))).toEqual(new Set([zephyr]));
  });

  it("[customer] cannot widen the scope with params or another account's reference", async () => {
    const result = await pageOf("customer", { account: String(other) });
    expect(result.ok).toBe(false);
    const [foreign] = await database.db
      .select({ id: cdrs.id })
      .from(cdrs)
      .where(eq(cdrs.customerId, other))
      .limit(1);
    expect(await findCdr(database.db, policies.customer, sealCdrRef(foreign!.id))).toBeNull();
    expect(await findCdr(database.db, policies.admin, sealCdrRef(foreign!.id))).not.toBeNull();
  });
});

describe("hidden means never selected", () => {
  const hiddenFrom = (role: keyof typeof viewers) =>
    CDR_FIELD_KEYS.filter((k) => !policies[role].fields.visible.includes(k));

  it.each(["customer", "carrier", "support"] as const)(
    "[%s] row objects hold exactly the visible fields",
    async (role) => {
      const { page } = await okPage(role, {});
      expect(page.rows.length).toBeGreaterThan(0);
      for (const row of page.rows) {
        expect(Object.keys(row).sort()).toEqual(["ref", "values"]);
        expect(Object.keys(row.values).sort()).toEqual([...policies[role].fields.visible].sort());
      }
      const json = JSON.stringify(page);
      for (const key of hiddenFrom(role))
        expect(Object.keys(page.rows[0]!.values)).not.toContain(key);
      expect(json).not.toMatch(/"_id"|"_at"|"id":/);
    },
  );

  it("[customer] gets none of the buy side and no record id", async () => {
    const { page } = await okPage("customer", {});
    const json = JSON.stringify(page);
    expect(json).not.toContain("b-leg-");
    expect(json).not.toContain("203.0.113.99");
    expect(json).not.toContain(carrierRate(1));
    expect(json).not.toContain("DE Mobile (T)");
    // internal SIP reasons in a generic form
    expect(json).toContain('"sip_reason":"No routes"');
    const record = await findCdr(database.db, policies.customer, page.rows[0]!.ref);
    expect(Object.keys(record!.values).sort()).toEqual(
      [...policies.customer.fields.visible].sort(),
    );
  });

  it("[carrier] gets none of the sell side", async () => {
    const { page } = await okPage("carrier", {});
    const json = JSON.stringify(page);
    expect(json).not.toContain("a-leg-");
    expect(json).not.toContain("198.51.100.7");
    expect(json).not.toContain("0.022222");
    expect(json).not.toContain("Germany - ");
    expect(json).not.toContain("9901#");
  });
});

describe("filters", () => {
  const refusals: [keyof typeof viewers, () => RawSearchParams, string][] = [
    ["customer", () => ({ carrier: String(zephyr) }), "Carrier is not among your fields."],
    ["carrier", () => ({ ingress: "10001" }), "Ingress route is not among your fields."],
    ["carrier", () => ({ account: String(acme) }), "Customer is not among your fields."],
    ["support", () => ({ carrier: String(zephyr) }), "Carrier is not among your fields."],
    [
      "customer",
      () => ({ account: String(acme) }),
      "The account filter is for staff: your calls are already your account's.",
    ],
  ];
  it.each(refusals)(
    "[%s] a filter on a hidden field is refused by name: %s",
    async (role, rawOf, message) => {
      const raw = rawOf();
      const result = await pageOf(role, raw);
      expect(result).toMatchObject({ ok: false, error: message });
      // the message names the field, never the value
      expect(message).not.toContain(Object.values(raw)[0]);
    },
  );

  it("[carrier] a number search reads only the carrier's number fields", async () => {
    // 491500001x are the sent numbers of calls 10–19; the dialled ones carry a tech prefix.
    const byDest = await okPage("carrier", { number: "491500001" });
    expect(byDest.page.rows.length).toBe(5);
    const bySellSide = await okPage("carrier", { number: "9901" });
    expect(bySellSide.page.rows.length).toBe(0);
    expect(await walk("admin", { number: "9901" }, 100)).toHaveLength(60);
    expect(await walk("admin", { number: "*0000" }, 100)).toHaveLength(60);
  });

  it("[admin] filters by account, carrier, destination, SIP code and connected", async () => {
    const count = async (raw: RawSearchParams) => (await walk("admin", raw, 100)).length;
    expect(await count({ account: String(acme) })).toBe(40);
    expect(await count({ account: String(acme), carrier: String(zephyr) })).toBe(20);
    expect(await count({ dest: "germany - mob" })).toBe(30);
    expect(await count({ sip: "486" })).toBe(12);
    expect(await count({ sip: "4xx" })).toBe(12);
    expect(await count({ connected: "1" })).toBe(48);
    expect(await count({ dest: "100%_" })).toBe(0);
  });

  it("[carrier] the destination filter reads the carrier's own breakout name", async () => {
    expect((await walk("carrier", { dest: "DE Fixed" }, 100)).length).toBe(30);
    expect((await walk("carrier", { dest: "Germany" }, 100)).length).toBe(0);
  });
});

describe("the date range", () => {
  it("defaults to the last 24 hours in the viewer's zone", async () => {
    const result = await okPage("admin", {});
    expect(result.range.to.getTime() - result.range.from.getTime()).toBe(24 * HOUR);
    expect(result.params.from).toBe("2026-11-29T12:00");
    expect(result.params.to).toBe("2026-11-30T12:00");
    expect(await walk("admin", {}, 100)).toHaveLength(60);
    expect(await walk("admin", { from: "2026-11-28", to: "2026-11-30T23:59" }, 100)).toHaveLength(
      61,
    );
  });

  it("reads and writes wall-clock times in the viewer's zone", async () => {
    const berlin = {
      ...policies.admin,
      viewer: { ...policies.admin.viewer, timeZone: "Europe/Berlin" },
    };
    const byDefault = await findCdrPage(database.db, berlin, params({}), { now: NOW });
    expect(byDefault).toMatchObject({
      ok: true,
      params: { from: "2026-11-29T13:00", to: "2026-11-30T13:00" },
    });
    const given = await findCdrPage(
      database.db,
      berlin,
      params({ from: "2026-11-30T12:00", to: "2026-11-30" }),
      { now: NOW },
    );
    if (!given.ok) throw new Error(given.error);
    expect(given.range.from.toISOString()).toBe("2026-11-30T11:00:00.000Z");
    // A bare day as To includes the whole day: up to the next midnight there.
    expect(given.range.to.toISOString()).toBe("2026-11-30T23:00:00.000Z");
    expect(given.params.to).toBe("2026-12-01T00:00");
  });

  it("refuses a malformed range, a reversed one and one over 31 days", async () => {
    expect(await pageOf("admin", { from: "yesterday" })).toMatchObject({
      ok: false,
      error: "From is not a date and time (YYYY-MM-DD HH:MM).",
    });
    expect(await pageOf("admin", { from: "2026-11-30", to: "2026-11-01" })).toMatchObject({
      ok: false,
      error: "From must be before To.",
    });
    expect(await pageOf("admin", { from: "2026-09-01", to: "2026-11-01" })).toMatchObject({
      ok: false,
      error: "The date range spans more than 31 days: choose a shorter one.",
    });
    // A bare `to` day is included whole.
    expect((await pageOf("admin", { from: "2026-10-01", to: "2026-10-31" })).ok).toBe(true);
    expect((await pageOf("admin", { from: "2026-10-01", to: "2026-11-01" })).ok).toBe(false);
  });
});

describe("keyset pages", () => {
  it("walks every row exactly once, newest first and oldest first", async () => {
    const all = await database.db
      .select({ id: cdrs.id })
      .from(cdrs)
      .where(sql`${cdrs.dt} > ${new Date(NOW.getTime() - 24 * HOUR)}`)
      .orderBy(sql`dt desc, id desc`);
    const expected = all.map((r) => r.id);
    expect(idsOf(await walk("admin", {}, 7))).toEqual(expected);
    expect(idsOf(await walk("admin", { order: "oldest" }, 7))).toEqual([...expected].reverse());
  });

  it("steps back to the page it came from", async () => {
    const first = await okPage("admin", {}, 7);
    const second = await okPage("admin", { cursor: first.page.nextCursor! }, 7);
    const third = await okPage("admin", { cursor: second.page.nextCursor! }, 7);
    const back = await okPage("admin", { cursor: third.page.prevCursor! }, 7);
    expect(idsOf(back.page.rows)).toEqual(idsOf(second.page.rows));
    const top = await okPage("admin", { cursor: second.page.prevCursor! }, 7);
    expect(idsOf(top.page.rows)).toEqual(idsOf(first.page.rows));
    expect(top.page.prevCursor).toBeNull();
    expect(first.page.prevCursor).toBeNull();
  });

  it("reads a tampered, foreign or garbage cursor as the first page", async () => {
    const first = await okPage("admin", {}, 7);
    const next = first.page.nextCursor!;
    const flipped = next.slice(0, 20) + (next[20] === "A" ? "B" : "A") + next.slice(21);
    for (const cursor of [flipped, "garbage", "", sealCdrRef(5), "x".repeat(500)]) {
      const page = await okPage("admin", { cursor }, 7);
      expect(idsOf(page.page.rows)).toEqual(idsOf(first.page.rows));
    }
  });

  it("[customer] a cursor forged from another account's row reveals nothing of it", async () => {
    const forged = sealCdrCursor({ way: "after", at: "2026-11-30T11:00:00.000000Z", id: 1 });
    const page = await okPage("customer", { cursor: forged });
    expect(new Set(page.page.rows.map((r) => r.values.customer_id))).toEqual(new Set([acme]));
  });
});

describe("record references", () => {
  it("opens only references this server sealed", async () => {
    const { page } = await okPage("admin", {}, 7);
    const ref = page.rows[0]!.ref;
    expect(await findCdr(database.db, policies.admin, ref)).toMatchObject({ ref });
    const tampered = ref.slice(0, -2) + (ref.endsWith("AA") ? "BB" : "AA");
    for (const bad of [tampered, "", "not-a-ref", "%00", page.nextCursor!]) {
      expect(await findCdr(database.db, policies.admin, bad)).toBeNull();
    }
    // Two links to one record differ (random bits), so a ref does not reveal which ids repeat.
    const id = openCdrRef(ref)!;
    expect(sealCdrRef(id)).not.toBe(sealCdrRef(id));
  });

  it("seals a page of ids at once, each opening to its own id; random blocks never open", () => {
    const ids = [1, 2, 51, 999_999, 2 ** 40 + 7, 2 ** 48 - 1];
    const refs = sealCdrRefs(ids);
    expect(refs.map((r) => openCdrRef(r))).toEqual(ids);
    expect(new Set(refs).size).toBe(ids.length);
    expect(() => sealCdrRefs([2 ** 48])).toThrow(/out of range/);
    expect(() => sealCdrRefs([0])).toThrow(/out of range/);
    // A forged reference must match the 48-bit mark after decryption: none of these does.
    let opened = 0;
    for (let n = 0; n < 20_000; n++) {
      if (openCdrRef(randomBytes(16).toString("base64url")) !== null) opened++;
    }
    expect(opened).toBe(0);
    // Flipping any one bit of a real reference breaks it.
    const raw = Buffer.from(refs[2]!, "base64url");
    for (let bit = 0; bit < 128; bit++) {
      const flipped = Buffer.from(raw);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(openCdrRef(flipped.toString("base64url"))).toBeNull();
    }
  });
});

describe("the indexes serve the first page", () => {
  it("reads the first page in index order, not by sorting the range", async () => {
    const many = [];
    for (let n = 0; n < 4000; n++) {
      many.push({
        customerId: n % 4 === 0 ? other : acme,
        carrierId: n % 2 ? zephyr : yonder,
        at: NOW.getTime() - 30 * HOUR - n * 20_000,
        n: 10_000 + n,
      });
    }
    await insertCdrs(many);
    await database.db.execute(sql`analyze cdrs`);
    // The statement findCdrPage sends, as sent, for each kind of viewer; explained with sorting
    // priced out, so that a plan still sorting means no index can give the order (on a table
    // this small the planner would otherwise rightly prefer a scan and a top-N sort).
    const plans: Record<string, string> = {};
    for (const [name, role, raw] of [
      ["all", "admin", {}],
      ["customer", "customer", {}],
      ["carrier", "carrier", {}],
      ["account filter", "admin", { account: String(acme) }],
      ["oldest first, next page", "carrier", { order: "oldest" }],
    ] as const) {
      const spy = vi.spyOn(database.client, "query");
      const first = await okPage(role, {
        from: "2026-10-31T12:00",
        to: "2026-11-30T12:00",
        ...raw,
      });
      if (name === "oldest first, next page") {
        spy.mockClear();
        await okPage(role, {
          from: "2026-10-31T12:00",
          to: "2026-11-30T12:00",
          ...raw,
          cursor: first.page.nextCursor!,
        });
      }
      const call = spy.mock.calls.find(([q]) => /from "cdrs"/.test(q))!;
      spy.mockRestore();
      plans[name] = await database.client.transaction(async (tx) => {
        await tx.query("set local enable_sort = off");
        await tx.query("set local enable_seqscan = off");
        await tx.query("set local enable_bitmapscan = off");
        const result = await tx.query<{ "QUERY PLAN": string }>(
          `explain ${call[0]}`,
          call[1] as unknown[],
        );
        return result.rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
    }
    // Which index serves depends on how selective the scope is; that one serves, in order, counts.
    for (const plan of Object.values(plans)) {
      expect(plan).toMatch(/^Limit[^\n]*\n\s*->\s+Index Scan (Backward )?using cdrs_\w*dt_idx/);
    }
    expect(plans["oldest first, next page"]).toMatch(/Index Scan Backward/);
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/Sort/);
  });
});

describe("export", () => {
  async function exportAs(role: keyof typeof viewers, raw: RawSearchParams) {
    const res = await streamCdrExport(
      database.db,
      policies[role],
      actorForUser(viewers[role], REQUEST),
      { from: "2026-11-29T12:00", to: "2026-11-30T12:00", ...raw },
    );
    return { res, text: await res.text() };
  }

  it("[customer] streams the view with the viewer's labels and visible fields only", async () => {
    const { res, text } = await exportAs("customer", { connected: "1" });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = text.trimEnd().split("\n");
    const labels = policies.customer.fields.visible.map((k) => policies.customer.fields.labels[k]);
    expect(lines[0]).toBe(labels.join(","));
    expect(lines.length - 1).toBe(32);
    expect(text).not.toContain("b-leg-");
    expect(text).not.toContain("203.0.113.99");
    expect(text).not.toContain("DE Mobile (T)");
    expect(text).toContain("a-leg-");

    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "GENERATE"), eq(auditLog.tableName, "cdrs")))
      .orderBy(sql`id desc`)
      .limit(1);
    expect(entry).toMatchObject({
      accountId: acme,
      actorUserId: viewers.customer.id,
      message: "Generated CSV export of CDRs (narrowed by connected only): 32 rows",
    });
  });

  it("[admin] exports more than one batch, every row once, naming filters without values", async () => {
    const { text } = await exportAs("admin", {
      from: "2026-10-31T12:00",
      account: String(acme),
      number: "4915",
    });
    const lines = text.trimEnd().split("\n");
    const callids = lines
      .slice(1)
      .map((l) => l.split(",")[policies.admin.fields.visible.indexOf("callid")]);
    expect(new Set(callids).size).toBe(callids.length);
    expect(callids.length).toBe(40 + 1 + 3000);
    const [entry] = await database.db
      .select({ message: auditLog.message, accountId: auditLog.accountId })
      .from(auditLog)
      .where(eq(auditLog.tableName, "cdrs"))
      .orderBy(sql`id desc`)
      .limit(1);
    expect(entry).toEqual({
      message: "Generated CSV export of CDRs (narrowed by account, number): 3,041 rows",
      accountId: null,
    });
  });

  it("[admin] a cancelled export's entry says so, with the rows written before the cancel", async () => {
    const res = await streamCdrExport(
      database.db,
      policies.admin,
      actorForUser(viewers.admin, REQUEST),
      { from: "2026-10-31T12:00", account: String(acme), number: "4915" },
    );
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false); // the first batch, 1,000 rows
    await reader.cancel();
    const latest = () =>
      database.db
        .select({ message: auditLog.message })
        .from(auditLog)
        .where(eq(auditLog.tableName, "cdrs"))
        .orderBy(sql`id desc`)
        .limit(1);
    await vi.waitFor(async () =>
      expect(await latest()).toEqual([
        { message: "Cancelled CSV export of CDRs (narrowed by account, number) after 1,000 rows" },
      ]),
    );
  });

  it("refuses a hidden filter or a bad range as problem+json, writing no entry", async () => {
    const before = await database.db.$count(auditLog, eq(auditLog.tableName, "cdrs"));
    const { res, text } = await exportAs("customer", { carrier: String(zephyr) });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(JSON.parse(text)).toMatchObject({ detail: "Carrier is not among your fields." });
    const { res: res2 } = await exportAs("admin", { from: "2026-01-01" });
    expect(res2.status).toBe(400);
    expect(await database.db.$count(auditLog, eq(auditLog.tableName, "cdrs"))).toBe(before);
  });

  it("neutralises formulas in cells", async () => {
    await insertCdrs([
      { customerId: acme, carrierId: zephyr, at: NOW.getTime() - 2 * HOUR, n: 77777 },
    ]);
    await database.db
      .update(cdrs)
      .set({ callid: "=HYPERLINK(1)" })
      .where(eq(cdrs.callidB, callidB(77777)));
    const { text } = await exportAs("customer", {});
    expect(text).toContain("'=HYPERLINK(1)");
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

// Keys used above exist in the catalogue (a rename would silently weaken the checks).
const _keys: CdrFieldKey[] = ["callid_b", "carrier_rate", "dest_ip", "sip_reason"];
void _keys;

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { findAuditEntryForViewer } from "@/lib/audit/queries/audit-entry";
import { countAuditEntries, decodeCursor, findAuditPage } from "@/lib/audit/queries/audit-log";
import { accounts } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { parseAuditPageParams, type RawSearchParams } from "@/lib/search/audit-page-params";
import { HIDDEN } from "@/lib/visibility/audit-data";
import {
  auditQueryFor,
  auditViewerPolicy,
  type AuditViewerPolicy,
} from "@/lib/visibility/viewer-policy";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";

/**
 * The viewer policy is the one place that decides what an audit viewer gets: these tests read
 * the audit log through it as each kind of viewer and check that a hidden column cannot be
 * used against them (search, filter, sort, cursor, details) and that masked values stay out of
 * messages.
 */

const database = setUpTestDatabase();

const STAFF_IP = "203.0.113.77";
const PORTAL_IP = "198.51.100.9";
let acmeId: number;
let otherId: number;
let policies: Record<"admin" | "support" | "customer", AuditViewerPolicy>;

async function policyOf(role: "admin" | "support" | "customer", accountId: number | null) {
  const user = await insertTestUser(database.db, { role, accountId });
  const policy = await auditViewerPolicy(database.db, { ...user, timeZone: "UTC" });
  if (!policy) throw new Error(`${role} has no audit policy`);
  return policy;
}

/** An audited change of one account's credit limit and manager, made from `ip`. */
async function changeAccount(id: number, ip: string, limit: string, manager: number | null) {
  await auditedMutation(
    database.db,
    systemActor("Ada Admin", { type: "user", ip, userAgent: "Mozilla/5.0 staff-browser" }),
    {
      table: "accounts",
      action: "UPDATE",
      id,
      change: async (tx) => {
        await tx
          .update(accounts)
          .set({ creditLimit: limit, accountManagerUserId: manager })
          .where(eq(accounts.id, id));
      },
    },
  );
}

beforeAll(async () => {
  acmeId = (await insertTestAccount(database.db, "customer", "Acme Policy Telecom")).id;
  otherId = (await insertTestAccount(database.db, "customer", "Other Policy Telecom")).id;
  const manager = await insertTestUser(database.db, { role: "support" });
  for (let i = 0; i < 5; i++) await changeAccount(acmeId, STAFF_IP, `${500 + i}`, null);
  await changeAccount(acmeId, PORTAL_IP, "900", manager.id);
  await changeAccount(otherId, STAFF_IP, "123", null);
  policies = {
    admin: await policyOf("admin", null),
    support: await policyOf("support", null),
    customer: await policyOf("customer", acmeId),
  };
});

/** The newest change of the account row itself (users of the account have entries too). */
async function newestOf(accountId: number) {
  const row = await database.db.query.auditLog.findFirst({
    where: (a, { and: all, eq: is }) =>
      all(is(a.accountId, accountId), is(a.tableName, "accounts")),
    orderBy: (a, { desc }) => desc(a.id),
  });
  return row!.id;
}

const params = (raw: RawSearchParams) => parseAuditPageParams(raw);

async function pageOf(policy: AuditViewerPolicy, raw: RawSearchParams) {
  const query = auditQueryFor(policy, params(raw));
  const page = await findAuditPage(database.db, {
    scope: policy.scope,
    where: query.where,
    sort: query.sort,
    cursor: decodeCursor(params(raw).cursor),
    direction: params(raw).nav ?? "next",
    pageSize: 3,
    columns: policy.visible,
  });
  const total = await countAuditEntries(database.db, policy.scope, query.where);
  return { query, page, total };
}

describe("a column the viewer may not see cannot be used against them", () => {
  it("refuses ip: with one message whatever the address, and the pages are identical", async () => {
    for (const role of ["support", "customer"] as const) {
      const found = await pageOf(policies[role], { q: `ip:${STAFF_IP}` });
      const absent = await pageOf(policies[role], { q: "ip:10.0.0.0/8" });
      expect(found.query.searchError).toBe("IP is not among your columns.");
      expect(absent.query.searchError).toBe("IP is not among your columns.");
      expect(found.total).toEqual(absent.total);
      expect(found.page.rows.map((r) => r.id)).toEqual(absent.page.rows.map((r) => r.id));
    }
  });

  it("refuses the IP column and URL filter the same way", async () => {
    const viaFilter = await pageOf(policies.support, { ip: STAFF_IP });
    expect(viaFilter.query.filterError).toBe("IP is not among your columns.");
    const unfiltered = await pageOf(policies.support, {});
    expect(viaFilter.total).toEqual(unfiltered.total);
  });

  it("lets an admin search by IP, and CIDR narrows", async () => {
    const found = await pageOf(policies.admin, { q: `ip:${PORTAL_IP}` });
    expect(found.query.searchError).toBeNull();
    expect(found.total).toEqual({ count: 1, exact: true });
    expect((await pageOf(policies.admin, { q: "ip:10.0.0.0/8" })).total.count).toBe(0);
  });

  it("never matches free text against a hidden column's values", async () => {
    const admin = await pageOf(policies.admin, { q: STAFF_IP });
    expect(admin.total.count).toBe(6);
    const support = await pageOf(policies.support, { q: STAFF_IP });
    expect(support.query.searchError).toBeNull();
    expect(support.total).toEqual({ count: 0, exact: true });
  });

  it("ignores a sort by a hidden column and sorts by time instead", async () => {
    const byIp = await pageOf(policies.support, { sort: "ip", dir: "asc" });
    expect(byIp.query.sort).toEqual({ key: "occurredAt", dir: "desc" });
    expect((await pageOf(policies.admin, { sort: "ip", dir: "asc" })).query.sort).toEqual({
      key: "ip",
      dir: "asc",
    });
  });
});

describe("cursors", () => {
  it("carry only an entry id, and page on across the whole log", async () => {
    const first = await pageOf(policies.admin, { sort: "ip", dir: "asc" });
    expect(first.page.nextCursor).toMatch(/^\d+$/);
    expect(first.page.nextCursor).toBe(String(first.page.rows.at(-1)!.id));
    const second = await pageOf(policies.admin, {
      sort: "ip",
      dir: "asc",
      cursor: first.page.nextCursor!,
    });
    const seen = [...first.page.rows, ...second.page.rows].map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(second.page.prevCursor).toBe(String(second.page.rows[0]!.id));
  });

  it("give the first page for a forged, stale or foreign cursor, never an error", async () => {
    const first = await pageOf(policies.customer, {});
    const foreign = await database.db.query.auditLog.findFirst({
      where: (a, { eq: is }) => is(a.accountId, otherId),
    });
    for (const cursor of [String(foreign!.id), "999999999", "eyJpcCI6IjEwLjAuMC4xIn0", "-1"]) {
      const page = await pageOf(policies.customer, { cursor });
      expect(page.page.rows.map((r) => r.id)).toEqual(first.page.rows.map((r) => r.id));
    }
  });
});

describe("entry details", () => {
  it("send a portal user no IP, no staff forensics and the masked fields masked", async () => {
    const entry = await findAuditEntryForViewer(
      database.db,
      await newestOf(acmeId),
      policies.customer,
    );
    expect(entry).not.toBeNull();
    const text = JSON.stringify(entry);
    expect(text).not.toContain(PORTAL_IP);
    expect(text).not.toContain("staff-browser");
    expect(entry!.forensics).toBeUndefined();
    expect(entry!.ip).toBeUndefined();
    expect(entry!.data!.after!.accountManagerUserId).toBe(HIDDEN);
  });

  it("send support the forensics but not the IP; an admin everything", async () => {
    const id = await newestOf(acmeId);
    const support = await findAuditEntryForViewer(database.db, id, policies.support);
    expect(JSON.stringify(support)).not.toContain(PORTAL_IP);
    expect(support!.forensics!.userAgent).toBe("Mozilla/5.0 staff-browser");
    const admin = await findAuditEntryForViewer(database.db, id, policies.admin);
    expect(admin!.ip).toBe(PORTAL_IP);
  });

  it("are not found outside the viewer's scope", async () => {
    const other = await newestOf(otherId);
    expect(await findAuditEntryForViewer(database.db, other, policies.customer)).toBeNull();
  });
});

describe("messages", () => {
  it("never carry a value that a viewer of the entry has masked", async () => {
    const manager = await insertTestUser(database.db, { role: "support" });
    const { after } = await auditedMutation(database.db, systemActor("Ada Admin"), {
      table: "accounts",
      action: "UPDATE",
      id: otherId,
      change: async (tx) => {
        await tx
          .update(accounts)
          .set({ accountManagerUserId: manager.id })
          .where(eq(accounts.id, otherId));
      },
    });
    expect(after!.accountManagerUserId).toBe(manager.id);
    const id = await newestOf(otherId);
    const entry = await database.db.query.auditLog.findFirst({
      where: (a, { eq: is }) => is(a.id, id),
    });
    // One short field changed: an unmasked one would read "… from empty to 7".
    expect(entry!.message).toBe(
      `Changed account manager user ID of customer Other Policy Telecom (${otherId})`,
    );
  });
});

describe("export rights", () => {
  it("follow audit:export: admin and portal users yes, support no", () => {
    expect(policies.admin.canExport).toBe(true);
    expect(policies.customer.canExport).toBe(true);
    expect(policies.support.canExport).toBe(false);
  });

  it("name what narrowed a view without its values", () => {
    const query = auditQueryFor(
      policies.admin,
      params({ q: `ip:${STAFF_IP} credit`, action: "UPDATE" }),
    );
    expect(query.narrowedBy).toEqual(["text", "IP", "Action"]);
  });
});

describe("the URL filters go through the search language's parser", () => {
  it("reads a from/to with a space as one date, not a date and free text", async () => {
    const unfiltered = await pageOf(policies.admin, {});
    const range = await pageOf(policies.admin, {
      from: "2000-01-01 00:00",
      to: "9000-01-01 00:00",
    });
    expect(range.query.filterError).toBeNull();
    expect(range.query.narrowedBy).toEqual(["after", "before"]);
    expect(range.total).toEqual(unfiltered.total);
  });

  it("quotes a user filter with a space and a comma as one value", async () => {
    const query = auditQueryFor(policies.admin, params({ user: ['"Smith, John"'] }));
    expect(query.filterError).toBeNull();
    expect(query.narrowedBy).toEqual(["User"]);
  });
});

describe("comment: follows the Message column (the comment is shown with it)", () => {
  it("is refused, naming the column only, to a viewer without Message", () => {
    const noMessage: AuditViewerPolicy = {
      ...policies.admin,
      allowed: policies.admin.allowed.filter((c) => c !== "message"),
    };
    const query = auditQueryFor(noMessage, params({ q: "comment:ticket" }));
    expect(query.searchError).toBe("Message is not among your columns.");
    expect(query.where).toBeUndefined();
  });

  it("narrows for a viewer with Message", () => {
    const query = auditQueryFor(policies.admin, params({ q: "comment:ticket" }));
    expect(query.searchError).toBeNull();
    expect(query.narrowedBy).toEqual(["Comment"]);
  });
});

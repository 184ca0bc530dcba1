import { TEST_BASE_URL, sessionUser } from "./run-action";
import { createAccountOperation } from "@/lib/accounts/create-account";
import { deleteAccountOperation } from "@/lib/accounts/delete-account";
import { setAccountStatusOperation } from "@/lib/accounts/set-account-status";
import { updateAccountOperation } from "@/lib/accounts/update-account";
import { desc, eq } from "drizzle-orm";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { accounts, auditLog } from "@/db/schema";
import { STALE_ACCOUNT_MESSAGE } from "@/lib/accounts/errors";
import { accountFormValues, accountListFilters, listAccounts } from "@/lib/accounts/queries";
import { createIngressRoute } from "@/lib/ingress/create-ingress-route";
import { runOperation, type Operation } from "@/lib/actions/operation";
import { systemActor } from "@/lib/audit/actor";
import type { CurrentUser } from "@/lib/auth/session";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";

const database = setUpTestDatabase();

const person = sessionUser;
const admin = person("admin");

function run<S extends z.ZodType, T>(
  op: Operation<S, T>,
  raw: Record<string, unknown>,
  user: CurrentUser | null = admin,
) {
  return runOperation(
    op,
    {
      user,
      actor: async (u) => systemActor(u.name),
      db: database.db,
      baseUrl: async () => TEST_BASE_URL,
    },
    raw,
  );
}

const counts = async () => ({
  accounts: (await database.db.select().from(accounts)).length,
  audit: (await database.db.select().from(auditLog)).length,
});

const valid = (name: string) => ({
  type: "customer",
  name,
  currency: "eur",
  creditLimit: "500",
  channels: "30",
  cps: "5",
  billingEmail: "",
  country: "gb",
  notesPublic: "",
  notesPrivate: "",
});

async function created(name: string) {
  const result = await run(createAccountOperation, valid(name));
  if (result.status !== "ok") throw new Error(JSON.stringify(result));
  const [row] = await database.db.select().from(accounts).where(eq(accounts.id, result.data.id));
  return row!;
}

const editOf = (row: typeof accounts.$inferSelect, changes: Record<string, string> = {}) => ({
  ...accountFormValues(row),
  ...changes,
});

describe("create account", () => {
  it("creates a normalised account with a CREATE entry", async () => {
    const row = await created("Create Telecom");
    expect(row).toMatchObject({
      type: "customer",
      currency: "EUR",
      creditLimit: "500.00",
      channels: 30,
      country: "GB",
      billingEmail: null,
      status: "active",
    });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(row.id)));
    expect(entry).toMatchObject({ action: "CREATE", tableName: "accounts", accountId: row.id });
  });

  it.each([
    ["empty name", { name: "  " }, "name"],
    ["negative limit", { creditLimit: "-1" }, "creditLimit"],
    ["non-numeric limit", { creditLimit: "lots" }, "creditLimit"],
    ["fractional channels", { channels: "1.5" }, "channels"],
    ["negative cps", { cps: "-2" }, "cps"],
    ["bad currency", { currency: "EURO" }, "currency"],
    ["bad email", { billingEmail: "not-an-email" }, "billingEmail"],
    ["bad country", { country: "GBR" }, "country"],
    ["bad type", { type: "reseller" }, "type"],
    ["long name", { name: "x".repeat(121) }, "name"],
  ])("%s → field error and nothing written", async (_label, change, field) => {
    const before = await counts();
    const result = await run(createAccountOperation, { ...valid("Invalid Telecom"), ...change });
    expect(result.status).toBe("error");
    expect(result.status === "error" && result.fieldErrors?.[field]).toEqual([expect.any(String)]);
    expect(await counts()).toEqual(before);
  });

  it("a duplicate name (any case) is a field error on name and writes nothing", async () => {
    await created("Duplicate Telecom");
    const before = await counts();
    const result = await run(createAccountOperation, valid("duplicate TELECOM"));
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { name: [expect.stringContaining("already exists")] },
    });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["auditor", person("auditor")],
    ["branding", person("branding")],
    ["portal customer", person("customer", 1001)],
  ])("refuses %s and writes nothing", async (_label, user) => {
    const before = await counts();
    const result = await run(createAccountOperation, valid("Refused Telecom"), user);
    expect(result).toEqual({ status: "error", error: "Your role does not allow this action." });
    expect(await counts()).toEqual(before);
  });

  it("lets support create", async () => {
    expect(
      (await run(createAccountOperation, valid("Support Telecom"), person("support"))).status,
    ).toBe("ok");
  });
});

describe("update account", () => {
  it("saves with the current version and audits old → new", async () => {
    const row = await created("Update Telecom");
    const result = await run(updateAccountOperation, editOf(row, { creditLimit: "750" }));
    expect(result).toMatchObject({ status: "ok", data: { id: row.id, version: row.version + 1 } });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(row.id)))
      .orderBy(auditLog.id)
      .limit(1)
      .offset(1);
    expect(entry).toMatchObject({ action: "UPDATE" });
    expect(entry!.message).toContain("from 500.00 to 750.00");
  });

  it("refuses a stale save and changes nothing", async () => {
    const row = await created("Stale Telecom");
    expect((await run(updateAccountOperation, editOf(row, { cps: "9" }))).status).toBe("ok");
    const before = await counts();
    const result = await run(updateAccountOperation, editOf(row, { creditLimit: "1" }));
    expect(result).toMatchObject({ status: "error", error: STALE_ACCOUNT_MESSAGE });
    expect(await counts()).toEqual(before);
    const [now] = await database.db.select().from(accounts).where(eq(accounts.id, row.id));
    expect(now!.creditLimit).toBe("500.00");
    // The answer carries the account as stored now (its version too) in place of what was typed.
    expect(result).toMatchObject({ values: accountFormValues(now!) });
    expect(result).toMatchObject({ values: { cps: "9", creditLimit: "500.00" } });
  });

  it("refuses a currency change", async () => {
    const row = await created("Currency Telecom");
    const before = await counts();
    const result = await run(updateAccountOperation, editOf(row, { currency: "USD" }));
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { currency: [expect.any(String)] },
    });
    expect(await counts()).toEqual(before);
  });

  it("invalid edits and renames onto another name write nothing", async () => {
    const row = await created("Rename Telecom");
    await created("Taken Telecom");
    const before = await counts();
    const changes: Record<string, string>[] = [
      { name: "" },
      { creditLimit: "-5" },
      { name: "taken telecom" },
    ];
    for (const change of changes) {
      const result = await run(updateAccountOperation, editOf(row, change));
      expect(result.status === "error" && Object.keys(result.fieldErrors ?? {})).toEqual([
        Object.keys(change)[0],
      ]);
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses an auditor", async () => {
    const row = await created("Auditor Edit Telecom");
    const before = await counts();
    const result = await run(updateAccountOperation, editOf(row, { cps: "1" }), person("auditor"));
    expect(result.status).toBe("error");
    expect(await counts()).toEqual(before);
  });
});

describe("suspend, reactivate, delete", () => {
  it("suspends and reactivates with an audited message", async () => {
    const row = await created("Suspend Telecom");
    expect(
      await run(setAccountStatusOperation, { id: String(row.id), status: "suspended" }),
    ).toMatchObject({ status: "ok" });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(row.id)))
      .orderBy(auditLog.id)
      .offset(1);
    expect(entry!.message).toMatch(/^Suspended customer Suspend Telecom/);
    expect(
      (await run(setAccountStatusOperation, { id: String(row.id), status: "active" })).status,
    ).toBe("ok");
    const [now] = await database.db.select().from(accounts).where(eq(accounts.id, row.id));
    expect(now!.status).toBe("active");
  });

  it("deletes an account with its ingress route and portal user (see account-delete.test.ts)", async () => {
    const row = await created("Delete Telecom");
    await createIngressRoute(database.db, systemActor("test"), {
      accountId: row.id,
      name: "Main",
      techPrefix: "",
      allowedIps: [],
      channels: 0,
      cps: 0,
      maxDurationS: 7200,
      status: "active",
      notes: null,
    });
    await insertTestUser(database.db, { role: "customer", accountId: row.id });
    const before = await counts();
    const result = await run(deleteAccountOperation, { id: String(row.id) });
    expect(result).toMatchObject({ status: "ok", message: `Deleted Delete Telecom (${row.id}).` });
    // The account, its route and its user, each with its DELETE entry.
    expect(await counts()).toEqual({ accounts: before.accounts - 1, audit: before.audit + 3 });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.tableName, "accounts"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry).toMatchObject({
      action: "DELETE",
      accountId: row.id,
      message: `Deleted customer Delete Telecom (${row.id}) with 1 ingress route, 1 portal user`,
    });
  });
});

describe("account list", () => {
  it("searches by name or id, filters and pages by id", async () => {
    const carrier = await insertTestAccount(database.db, "carrier", "Listed Carrier Zeta");
    const byName = await listAccounts(database.db, accountListFilters({ q: "carrier zeta" }));
    expect(byName.rows.map((r) => r.id)).toEqual([carrier.id]);
    const byId = await listAccounts(database.db, accountListFilters({ q: String(carrier.id) }));
    expect(byId.rows.map((r) => r.id)).toContain(carrier.id);
    const customers = await listAccounts(database.db, accountListFilters({ type: "customer" }));
    expect(customers.rows.every((r) => r.type === "customer")).toBe(true);
    const after = await listAccounts(
      database.db,
      accountListFilters({ after: String(carrier.id - 1), type: "carrier" }),
    );
    expect(after.rows[0]!.id).toBe(carrier.id);
    expect(accountListFilters({ type: "bogus", after: "x" })).toEqual({});
  });
});

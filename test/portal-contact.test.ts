import { updateContactOperation } from "@/lib/portal/contact";
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditLog } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { findContact, ONLY_ADMINS_EDIT_CONTACT, STALE_CONTACT_MESSAGE } from "@/lib/portal/contact";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, counts, insertTestPortalUser, runAs } from "./portal-support";

const database = setUpTestDatabase();

const accountRow = async (id: number) =>
  (await database.db.select().from(accounts).where(eq(accounts.id, id)))[0]!;

async function setup() {
  const account = await insertTestAccount(database.db, "customer");
  const admin = await insertTestPortalUser(database.db, account, { admin: true });
  const colleague = await insertTestPortalUser(database.db, account);
  return { account, admin: asCurrent(admin), colleague: asCurrent(colleague) };
}

const CONTACT = {
  billingEmail: "ap@acme.example",
  address: "1200 Market Street, San Francisco",
  country: "us",
};

describe("contact details", () => {
  it("lets a portal admin save them: UPDATE on accounts as Portal, version bumped", async () => {
    const { account, admin } = await setup();
    const result = await runAs(database.db, updateContactOperation, admin, {
      version: String(account.version),
      ...CONTACT,
    });
    expect(result).toEqual({
      status: "ok",
      data: { version: account.version + 1 },
      message: "Contact details saved.",
    });
    expect(await accountRow(account.id)).toMatchObject({
      billingEmail: "ap@acme.example",
      address: "1200 Market Street, San Francisco",
      country: "US",
      version: account.version + 1,
    });
    const [entry] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "accounts",
      recordPk: String(account.id),
      accountId: account.id,
      actorType: "portal",
      actorLabel: "Portal",
      actorUserId: admin.id,
      message: `Changed billing email, address, country of customer ${account.name} (${account.id})`,
    });
  });

  it("clears a field left blank", async () => {
    const { account, admin } = await setup();
    await runAs(database.db, updateContactOperation, admin, {
      version: account.version,
      ...CONTACT,
    });
    await runAs(database.db, updateContactOperation, admin, {
      version: account.version + 1,
      ...CONTACT,
      address: "  ",
    });
    expect((await accountRow(account.id)).address).toBeNull();
  });

  it("changes nothing but these three columns, whatever else the form sends", async () => {
    const { account, admin } = await setup();
    await runAs(database.db, updateContactOperation, admin, {
      version: account.version,
      ...CONTACT,
      name: "Renamed By Portal",
      creditLimit: "999999",
      id: "1",
    });
    expect(await accountRow(account.id)).toMatchObject({
      name: account.name,
      creditLimit: account.creditLimit,
    });
  });

  it("refuses a stale version and keeps the newer values", async () => {
    const { account, admin } = await setup();
    // Staff change the billing email after the admin opened the form.
    await auditedMutation(database.db, systemActor("staff"), {
      table: "accounts",
      action: "UPDATE",
      id: account.id,
      change: async (tx) => {
        await tx
          .update(accounts)
          .set({ billingEmail: "staff@acme.example" })
          .where(eq(accounts.id, account.id));
      },
    });
    const stored = await accountRow(account.id);
    const before = await counts(database.db);
    const result = await runAs(database.db, updateContactOperation, admin, {
      version: String(account.version),
      ...CONTACT,
    });
    expect(result).toMatchObject({ status: "error", error: STALE_CONTACT_MESSAGE });
    expect(await accountRow(account.id)).toEqual(stored);
    expect(await counts(database.db)).toEqual(before);
  });

  it("returns field errors for bad values and changes nothing", async () => {
    const { account, admin } = await setup();
    const before = await counts(database.db);
    const result = await runAs(database.db, updateContactOperation, admin, {
      version: account.version,
      billingEmail: "not an email",
      address: "x".repeat(501),
      country: "USA",
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: {
        billingEmail: [expect.any(String)],
        address: [expect.any(String)],
        country: [expect.any(String)],
      },
    });
    expect(await accountRow(account.id)).toEqual(account);
    expect(await counts(database.db)).toEqual(before);
  });

  it("writes nothing for a save without changes", async () => {
    const { account, admin } = await setup();
    const before = await counts(database.db);
    const result = await runAs(database.db, updateContactOperation, admin, {
      version: account.version,
      billingEmail: "",
      address: "",
      country: "",
    });
    expect(result).toMatchObject({ status: "ok", message: "No changes to save." });
    expect(await counts(database.db)).toEqual(before);
  });

  it("refuses a colleague who is not a portal admin, and changes nothing", async () => {
    const { account, colleague } = await setup();
    const before = await counts(database.db);
    const result = await runAs(database.db, updateContactOperation, colleague, {
      version: account.version,
      ...CONTACT,
    });
    expect(result).toMatchObject({ status: "error", error: ONLY_ADMINS_EDIT_CONTACT });
    expect(await accountRow(account.id)).toEqual(account);
    expect(await counts(database.db)).toEqual(before);
  });

  it("refuses staff, who edit accounts in the Control Panel", async () => {
    const { account } = await setup();
    const staff = asCurrent(await insertTestUser(database.db, { role: "admin" }));
    const before = await counts(database.db);
    const result = await runAs(database.db, updateContactOperation, staff, {
      version: account.version,
      ...CONTACT,
    });
    expect(result).toEqual({ status: "error", error: "Your role does not allow this action." });
    expect(await accountRow(account.id)).toEqual(account);
    expect(await counts(database.db)).toEqual(before);
  });

  it("only ever edits the admin's own account", async () => {
    const mine = await setup();
    const other = await setup();
    await runAs(database.db, updateContactOperation, mine.admin, {
      id: other.account.id,
      accountId: other.account.id,
      version: mine.account.version,
      ...CONTACT,
    });
    expect(await accountRow(other.account.id)).toEqual(other.account);
    expect((await accountRow(mine.account.id)).billingEmail).toBe(CONTACT.billingEmail);
  });

  it("reads nothing the portal may not show", async () => {
    const { account } = await setup();
    const contact = await findContact(database.db, account.id);
    expect(contact).toMatchObject({ id: account.id, name: account.name });
    for (const hidden of ["notesPrivate", "carrierPortalPassword", "carrierPortalUsername"]) {
      expect(Object.keys(contact!)).not.toContain(hidden);
    }
  });
});

import { TEST_BASE_URL, sessionUser } from "./run-action";
import { restoreEntryOperation } from "@/lib/audit/restore";
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, auditLog } from "@/db/schema";
import { deleteAccount } from "@/lib/accounts/delete-account";
import { updateAccount } from "@/lib/accounts/update-account";
import { runOperation } from "@/lib/actions/operation";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation, recordAuditEvent } from "@/lib/audit/core";
import { REDACTED_CHANGED } from "@/lib/audit/redact";
import { restoreFromEntry } from "@/lib/audit/restore";
import type { CurrentUser } from "@/lib/auth/session";
import { createIngressRoute } from "@/lib/ingress/create-ingress-route";
import { updateIngressRoute } from "@/lib/ingress/update-ingress-route";
import { setUpTestDatabase } from "./db";
import { insertTestAccount } from "./factories";

const database = setUpTestDatabase();

const actor = systemActor("Restorer");
const person = sessionUser;
const restore = (entryId: number, role: CurrentUser["role"] = "admin") =>
  runOperation(
    restoreEntryOperation,
    {
      user: person(role),
      actor: async (u) => systemActor(u.name),
      db: database.db,
      baseUrl: async () => TEST_BASE_URL,
    },
    { entryId: String(entryId) },
  );

const latestEntry = async () => {
  const [row] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return row!;
};
const auditCount = async () => (await database.db.select().from(auditLog)).length;
const account = async (id: number) =>
  (await database.db.select().from(accounts).where(eq(accounts.id, id)))[0]!;

async function changeLimit(id: number, creditLimit: string) {
  const row = await account(id);
  return updateAccount(database.db, actor, {
    id,
    version: row.version,
    currency: row.currency,
    name: row.name,
    creditLimit,
    channels: row.channels,
    cps: row.cps,
    billingEmail: row.billingEmail,
    country: row.country,
    notesPublic: row.notesPublic,
    notesPrivate: row.notesPrivate,
  });
}

describe("restoreFromEntry", () => {
  it("puts an account back to an entry's before values, as an audited UPDATE", async () => {
    const { id } = await insertTestAccount(database.db, "customer", "Restore Telecom");
    await changeLimit(id, "500");
    await changeLimit(id, "750");
    const entry = await latestEntry();
    const result = await restore(entry.id);
    expect(result).toMatchObject({ status: "ok" });
    expect((await account(id)).creditLimit).toBe("500.00");
    const restored = await latestEntry();
    expect(restored).toMatchObject({
      action: "UPDATE",
      tableName: "accounts",
      recordPk: String(id),
      accountId: id,
      actorLabel: "admin person",
      message: `Restored customer Restore Telecom (${id}) to its state before entry #${entry.id}`,
    });
    expect(restored.before).toMatchObject({ creditLimit: "750.00" });
    expect(restored.after).toMatchObject({ creditLimit: "500.00" });

    // Restoring again changes nothing, so it is refused rather than logged as a no-op.
    const count = await auditCount();
    expect(await restore(entry.id)).toMatchObject({ error: expect.stringMatching(/Nothing/) });
    expect(await auditCount()).toBe(count);
  });

  it("restores ingress routes too, keeping the entry findable by Ingress ID", async () => {
    const { id: accountId } = await insertTestAccount(database.db, "customer");
    const route = await createIngressRoute(database.db, actor, {
      accountId,
      name: "Restorable",
      techPrefix: "99",
      allowedIps: ["10.0.0.0/8"],
      channels: 1,
      cps: 1,
      maxDurationS: 60,
      status: "active",
      notes: null,
    });
    await updateIngressRoute(database.db, actor, {
      id: route.id,
      version: route.version,
      name: "Renamed",
      techPrefix: "77",
      allowedIps: ["192.0.2.1/32"],
      channels: 2,
      cps: 2,
      maxDurationS: 90,
      status: "disabled",
      notes: "x",
    });
    const entry = await latestEntry();
    const { after } = await restoreFromEntry(database.db, actor, entry.id);
    expect(after).toMatchObject({
      name: "Restorable",
      techPrefix: "99",
      allowedIps: ["10.0.0.0/8"],
      status: "active",
      notes: null,
    });
    expect(await latestEntry()).toMatchObject({ ingressId: route.id, accountId });
  });

  it("never writes a redacted marker back over a secret", async () => {
    const { id } = await insertTestAccount(database.db, "carrier");
    await auditedMutation(database.db, actor, {
      table: "accounts",
      action: "UPDATE",
      id,
      change: async (tx) => {
        await tx
          .update(accounts)
          .set({ carrierPortalPassword: "first", cps: 4 })
          .where(eq(accounts.id, id));
      },
    });
    await auditedMutation(database.db, actor, {
      table: "accounts",
      action: "UPDATE",
      id,
      change: async (tx) => {
        await tx
          .update(accounts)
          .set({ carrierPortalPassword: "second", cps: 5 })
          .where(eq(accounts.id, id));
      },
    });
    const entry = await latestEntry();
    expect(entry.after).toMatchObject({ carrierPortalPassword: REDACTED_CHANGED });
    await restoreFromEntry(database.db, actor, entry.id);
    expect(await account(id)).toMatchObject({ cps: 4, carrierPortalPassword: "second" });
  });

  it("refuses deleted records, missing fields, non-UPDATE entries and auditors", async () => {
    const { id } = await insertTestAccount(database.db, "customer");
    const created = await latestEntry();
    await changeLimit(id, "10");
    const update = await latestEntry();

    const count = await auditCount();
    expect(await restore(created.id)).toMatchObject({ error: expect.stringMatching(/UPDATE/) });
    expect(await restore(update.id, "auditor")).toMatchObject({
      error: "Your role does not allow this action.",
    });

    // An entry written before a column was dropped names a field the table no longer has.
    const legacy = await recordAuditEvent(database.db, actor, {
      action: "UPDATE",
      tableName: "accounts",
      recordPk: String(id),
      message: "legacy change",
      before: { ...update.before, legacyField: 1 },
    });
    const withLegacy = await auditCount();
    expect(await restore(legacy)).toMatchObject({
      error: expect.stringMatching(/"legacyField" no longer exists/),
    });
    expect(await auditCount()).toBe(withLegacy);
    expect(withLegacy).toBe(count + 1);

    await deleteAccount(database.db, actor, id);
    const afterDelete = await auditCount();
    expect(await restore(update.id)).toMatchObject({ error: expect.stringMatching(/deleted/) });
    expect(await auditCount()).toBe(afterDelete);
  });
});

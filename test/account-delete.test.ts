import { TEST_BASE_URL, sessionUser } from "./run-action";
import { deleteAccountOperation } from "@/lib/accounts/delete-account";
import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import {
  accounts,
  apiKeys,
  auditLog,
  cdrDaily,
  cdrFieldSettings,
  cdrs,
  columnPermissions,
  columnPreferences,
  emailOutbox,
  ingressRoutes,
  users,
} from "@/db/schema";
import { runOperation, type Operation } from "@/lib/actions/operation";
import { generateApiKey } from "@/lib/api-keys/keys";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { actorForUser } from "@/lib/auth/actor-for-user";
import type { CurrentUser } from "@/lib/auth/session";
import { queueEmail } from "@/lib/email/outbox";
import { invitationEmail } from "@/lib/email/templates";
import { createIngressRoute } from "@/lib/ingress/create-ingress-route";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { REQUEST } from "./run-action";

/**
 * Deleting an account takes everything that references it (every foreign key to accounts, and
 * the emails that carry its id), in one transaction, with one DELETE entry per audited row
 * removed; its CDRs and roll-ups stay (billing records with a retention period of their own).
 */

const database = setUpTestDatabase();
let db: Db;
beforeAll(async () => {
  db = database.db;
});

const staff = sessionUser;

function run<S extends z.ZodType, T>(
  op: Operation<S, T>,
  raw: Record<string, unknown>,
  user: CurrentUser = staff("admin"),
) {
  return runOperation(
    op,
    { user, actor: async (u) => systemActor(u.name), db, baseUrl: async () => TEST_BASE_URL },
    raw,
  );
}

const test = systemActor("test");

async function insertCdr(customerId: number, carrierId: number, dt = new Date()) {
  await db.insert(cdrs).values({
    dt,
    callid: `call-${Math.random()}`,
    sourceDestNumber: "441234567890",
    destNumber: "441234567890",
    customerId,
    carrierId,
    sipCode: 200,
  });
}

async function insertDaily(customerId: number, carrierId: number, day: string) {
  await db.insert(cdrDaily).values({
    day,
    customerId,
    carrierId,
    customerCurrency: "USD",
    carrierCurrency: "USD",
    attempts: 10,
    connected: 5,
    shortCalls: 1,
    durationS: "300",
    customerDurationS: 300,
    carrierDurationS: 300,
    customerCharge: "1.5",
    carrierCharge: "1.0",
    pddSumMs: 5000,
    pddCount: 5,
  });
}

type Owned = { table: string; id: string }[];

/** An account with one or more of every kind of row that can belong to it. */
async function accountWithEverything(type: "customer" | "carrier", other: number) {
  const account = await insertTestAccount(db, type);
  const owned: Owned = [];
  const own = (table: string, id: number) => owned.push({ table, id: String(id) });

  // Ingress routes are a customer's (a carrier's traffic leaves through its gateways).
  for (const name of type === "customer" ? ["Main", "Backup"] : []) {
    const route = await createIngressRoute(db, test, {
      accountId: account.id,
      name,
      techPrefix: "",
      allowedIps: [],
      channels: 0,
      cps: 0,
      maxDurationS: 7200,
      status: "active",
      notes: null,
    });
    own("ingress_routes", route.id);
  }
  const portalUsers = [
    await insertTestUser(db, { role: type, accountId: account.id }),
    await insertTestUser(db, { role: type, accountId: account.id, status: "disabled" }),
  ];
  for (const user of portalUsers) own("users", user.id);
  const [first] = portalUsers;
  const key = await generateApiKey(db, actorForUser(first!, REQUEST), {
    name: "switch feed",
    scope: "read",
    expiresAt: null,
  });
  own("api_keys", key.id);
  const { after: override } = await auditedMutation(db, test, {
    table: "column_permissions",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(columnPermissions)
        .values({ surface: "audit", userId: first!.id, columns: ["user", "date"] })
        .returning({ id: columnPermissions.id });
      return row!.id;
    },
  });
  own("column_permissions", override!.id);
  await db
    .insert(columnPreferences)
    .values({ userId: first!.id, surface: "audit", hiddenColumns: ["ip"] });
  const { after: settings } = await auditedMutation(db, test, {
    table: "cdr_field_settings",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(cdrFieldSettings)
        .values({ accountId: account.id, fields: ["dt", "duration"] })
        .returning({ id: cdrFieldSettings.id });
      return row!.id;
    },
  });
  own("cdr_field_settings", settings!.id);
  // An email to the account, and one to a user with no account id on it.
  const toAccount = await queueEmail(
    db,
    test,
    invitationEmail({
      name: first!.name,
      email: first!.email,
      userId: first!.id,
      accountId: account.id,
      link: "https://t.example/set-password?token=x",
    }),
  );
  own("email_outbox", toAccount.id);
  const toUser = await queueEmail(db, test, {
    ...invitationEmail({
      name: first!.name,
      email: first!.email,
      userId: first!.id,
      accountId: null,
      link: "https://t.example/set-password?token=y",
    }),
  });
  own("email_outbox", toUser.id);

  const [customer, carrier] = type === "customer" ? [account.id, other] : [other, account.id];
  for (let i = 0; i < 3; i++) await insertCdr(customer, carrier);
  await insertDaily(customer, carrier, "2026-01-01");
  await insertDaily(customer, carrier, "2026-01-02");
  return { account, owned, users: portalUsers.map((u) => u.id) };
}

/** Every row anywhere that still refers to the account or its users. */
async function leftovers(accountId: number, userIds: number[]) {
  return {
    accounts: await db.$count(accounts, eq(accounts.id, accountId)),
    users: await db.$count(users, eq(users.accountId, accountId)),
    ingress: await db.$count(ingressRoutes, eq(ingressRoutes.accountId, accountId)),
    apiKeys: await db.$count(apiKeys, inArray(apiKeys.ownerUserId, userIds)),
    columnPermissions: await db.$count(
      columnPermissions,
      inArray(columnPermissions.userId, userIds),
    ),
    columnPreferences: await db.$count(
      columnPreferences,
      inArray(columnPreferences.userId, userIds),
    ),
    cdrFieldSettings: await db.$count(cdrFieldSettings, eq(cdrFieldSettings.accountId, accountId)),
    outbox: await db.$count(
      emailOutbox,
      or(eq(emailOutbox.accountId, accountId), inArray(emailOutbox.userId, userIds)),
    ),
  };
}

/** The account's calls: billing records, kept for their retention period after the account. */
async function callsOf(accountId: number) {
  return {
    cdrs: await db.$count(cdrs, or(eq(cdrs.customerId, accountId), eq(cdrs.carrierId, accountId))),
    cdrDaily: await db.$count(
      cdrDaily,
      or(eq(cdrDaily.customerId, accountId), eq(cdrDaily.carrierId, accountId)),
    ),
  };
}

const NONE = {
  accounts: 0,
  users: 0,
  ingress: 0,
  apiKeys: 0,
  columnPermissions: 0,
  columnPreferences: 0,
  cdrFieldSettings: 0,
  outbox: 0,
};

const lastAuditId = async () =>
  (await db.select({ id: sql<number>`coalesce(max(${auditLog.id}), 0)::int` }).from(auditLog))[0]!
    .id;

describe("deleting an account with everything that belongs to it", () => {
  it.each(["customer", "carrier"] as const)(
    "a %s: every dependent row goes, with one DELETE entry per audited row, in one go",
    async (type) => {
      const other = await insertTestAccount(db, type === "customer" ? "carrier" : "customer");
      const { account, owned, users: userIds } = await accountWithEverything(type, other.id);
      const customer = type === "carrier" ? other : await insertTestAccount(db, "customer");
      const otherRoute = await createIngressRoute(db, test, {
        accountId: customer.id,
        name: "Other's route",
        techPrefix: "",
        allowedIps: [],
        channels: 0,
        cps: 0,
        maxDurationS: 7200,
        status: "active",
        notes: null,
      });
      await insertCdr(other.id, other.id);
      const since = await lastAuditId();

      const calls = await callsOf(account.id);
      expect(calls).toEqual({ cdrs: 3, cdrDaily: 2 });
      const result = await run(deleteAccountOperation, { id: String(account.id) });
      expect(result).toMatchObject({ status: "ok", data: { id: account.id } });
      expect(await leftovers(account.id, userIds)).toEqual(NONE);
      expect(await callsOf(account.id)).toEqual(calls);

      const entries = await db
        .select()
        .from(auditLog)
        .where(gt(auditLog.id, since))
        .orderBy(auditLog.id);
      expect(entries.every((e) => e.action === "DELETE")).toBe(true);
      // One entry per removed audited row, and one for the account, last.
      const removed = entries.map((e) => ({ table: e.tableName, id: e.recordPk! }));
      const byKey = (a: { table: string; id: string }, b: { table: string; id: string }) =>
        `${a.table}:${a.id}`.localeCompare(`${b.table}:${b.id}`);
      expect(removed.slice(0, -1).sort(byKey)).toEqual([...owned].sort(byKey));
      expect(removed.at(-1)).toEqual({ table: "accounts", id: String(account.id) });
      // The same request, one transaction: they share the request id.
      expect(new Set(entries.map((e) => e.requestId)).size).toBe(1);
      const accountEntry = entries.at(-1)!;
      expect(accountEntry.message).toBe(
        `Deleted ${type} ${account.name} (${account.id}) with ` +
          (type === "customer" ? "2 ingress routes, " : "") +
          "2 portal users",
      );
      expect(accountEntry.before).toMatchObject({ id: account.id, name: account.name });
      const userEntry = entries.find((e) => e.tableName === "users")!;
      expect(userEntry.message).toMatch(
        new RegExp(`^Deleted portal user .+ with ${type} .+ \\(${account.id}\\)$`),
      );
      expect(userEntry.accountId).toBe(account.id);
      // Secrets stay redacted in the last state kept of each removed row.
      expect(JSON.stringify(entries)).not.toMatch(/\$argon2/);

      // Nothing of the other account was touched.
      expect(await db.$count(accounts, eq(accounts.id, other.id))).toBe(1);
      expect(await db.$count(accounts, eq(accounts.id, customer.id))).toBe(1);
      expect(await db.$count(ingressRoutes, eq(ingressRoutes.id, otherRoute.id))).toBe(1);
      expect(
        await db.$count(cdrs, and(eq(cdrs.customerId, other.id), eq(cdrs.carrierId, other.id))),
      ).toBe(1);
    },
  );

  it("an account with nothing is deleted with one entry", async () => {
    const empty = await insertTestAccount(db, "customer");
    const since = await lastAuditId();
    expect(await run(deleteAccountOperation, { id: String(empty.id) })).toMatchObject({
      status: "ok",
    });
    const entries = await db.select().from(auditLog).where(gt(auditLog.id, since));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "DELETE",
      tableName: "accounts",
      accountId: empty.id,
      message: `Deleted customer ${empty.name} (${empty.id})`,
    });
  });

  it("when any part fails, nothing is removed and no entry is written", async () => {
    const other = await insertTestAccount(db, "carrier");
    const { account, users: userIds } = await accountWithEverything("customer", other.id);
    const before = await leftovers(account.id, userIds);
    // A guard the database enforces (standing in for any failure at the last step): the account
    // row itself cannot go, after every dependent was already deleted in the transaction.
    await db.execute(
      sql.raw(`create function refuse_${account.id}() returns trigger language plpgsql as $$
        begin raise exception 'refused by test'; end $$`),
    );
    await db.execute(
      sql.raw(`create trigger refuse_${account.id} before delete on accounts for each row
          when (old.id = ${account.id}) execute function refuse_${account.id}()`),
    );
    const since = await lastAuditId();
    const result = await run(deleteAccountOperation, { id: String(account.id) });
    expect(result).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^Something went wrong/),
    });
    expect(await leftovers(account.id, userIds)).toEqual(before);
    expect(await lastAuditId()).toBe(since);
    await db.execute(sql.raw(`drop trigger refuse_${account.id} on accounts`));
  });

  it("refuses roles without accounts:manage, bad ids and unknown ids, changing nothing", async () => {
    const other = await insertTestAccount(db, "carrier");
    const { account, users: userIds } = await accountWithEverything("customer", other.id);
    const before = await leftovers(account.id, userIds);
    const since = await lastAuditId();
    for (const role of ["auditor", "branding"] as const) {
      expect(await run(deleteAccountOperation, { id: String(account.id) }, staff(role))).toEqual({
        status: "error",
        error: "Your role does not allow this action.",
      });
    }
    const portalUser: CurrentUser = { ...staff("customer"), accountId: account.id };
    expect(await run(deleteAccountOperation, { id: String(account.id) }, portalUser)).toMatchObject(
      {
        status: "error",
        error: "Your role does not allow this action.",
      },
    );
    for (const id of ["abc", "-1", "1.5", "", "1; drop table accounts"]) {
      const result = await run(deleteAccountOperation, { id });
      expect(result.status === "error" && result.fieldErrors?.id).toEqual([expect.any(String)]);
    }
    expect(await run(deleteAccountOperation, { id: "99999999" })).toMatchObject({
      status: "error",
      error: "That record no longer exists.",
    });
    expect(await leftovers(account.id, userIds)).toEqual(before);
    expect(await lastAuditId()).toBe(since);
  });
});

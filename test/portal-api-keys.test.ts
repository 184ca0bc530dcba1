import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, auditLog } from "@/db/schema";
import { accountEndpoints } from "@/lib/api/v1/accounts";
import {
  API_KEY_NOT_FOUND,
  apiKeyStatus,
  generateApiKeyOperation,
  listApiKeys,
  revokeApiKeyOperation,
  type GeneratedKey,
} from "@/lib/api-keys/keys";
import {
  generatePortalApiKeyOperation,
  ONLY_ADMINS_MANAGE_API_KEYS,
  revokePortalApiKeyOperation,
} from "@/lib/api-keys/portal-keys";
import { PORTAL_LABEL } from "@/lib/audit/actor";
import { setUserStatus } from "@/lib/users/set-user-status";
import { systemActor } from "@/lib/audit/actor";
import type { CurrentUser } from "@/lib/auth/session";
import { callApi } from "./api-support";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, insertTestPortalUser, runAs } from "./portal-support";

/**
 * API keys in the Customer Portal: an account's portal administrators generate and revoke keys
 * of their own account (the key acts as them: their role, their account); nobody else in the
 * portal may, and another account's key is "not found".
 */

const database = setUpTestDatabase();
const db = () => database.db;

/** An account with a portal admin and a colleague who is not one. */
async function team(type: "customer" | "carrier" = "customer") {
  const account = await insertTestAccount(db(), type);
  const admin = asCurrent(await insertTestPortalUser(db(), account, { admin: true }));
  const colleague = asCurrent(await insertTestPortalUser(db(), account));
  return { account, admin, colleague };
}

const snapshot = async () => ({
  keys: await db().select().from(apiKeys).orderBy(apiKeys.id),
  audit: await db().$count(auditLog),
});

async function generate(user: CurrentUser, name = "Billing export", scope = "read") {
  const result = await runAs(db(), generatePortalApiKeyOperation, user, { name, scope });
  expect(result).toMatchObject({ status: "ok", message: `Generated API key ${name}.` });
  return (result as { data: GeneratedKey }).data;
}

async function entryOf(keyId: number, action: "GENERATE" | "DELETE") {
  const [entry] = await db()
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tableName, "api_keys"),
        eq(auditLog.recordPk, String(keyId)),
        eq(auditLog.action, action),
      ),
    );
  return entry;
}

describe("generating in the portal", () => {
  it("lets a portal admin generate a key they own, with a GENERATE entry by Portal in their account", async () => {
    const { account, admin } = await team("carrier");
    const key = await generate(admin, "NOC dashboards", "read_write");
    expect(key.secret).toMatch(/^tl_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/);
    const [row] = await db().select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row).toMatchObject({
      name: "NOC dashboards",
      scope: "read_write",
      ownerUserId: admin.id,
    });
    expect(await entryOf(key.id, "GENERATE")).toMatchObject({
      actorType: "portal",
      actorUserId: admin.id,
      actorLabel: PORTAL_LABEL,
      actorDetail: `${admin.name} <${admin.email}>`,
      channel: "portal",
      accountId: account.id,
      message: `Generated API key NOC dashboards (${row!.prefix}…) with read_write scope`,
    });
    const all = JSON.stringify(await db().select().from(auditLog));
    expect(all).not.toContain(key.secret);
    expect(all).not.toContain(row!.secretHash);
  });

  it("refuses a portal user who is not a portal admin, and writes nothing", async () => {
    const { colleague } = await team();
    const before = await snapshot();
    expect(
      await runAs(db(), generatePortalApiKeyOperation, colleague, { name: "Mine", scope: "read" }),
    ).toEqual({ status: "error", error: ONLY_ADMINS_MANAGE_API_KEYS, values: expect.anything() });
    expect(await snapshot()).toEqual(before);
  });

  it("validates with the Control Panel's schema: field errors, nothing written", async () => {
    const { admin } = await team();
    const before = await snapshot();
    expect(
      await runAs(db(), generatePortalApiKeyOperation, admin, {
        name: " ",
        scope: "admin",
        expiresAt: "2001-01-01",
      }),
    ).toMatchObject({
      status: "error",
      fieldErrors: {
        name: ["Enter a name."],
        scope: ["Choose a scope."],
        expiresAt: ["Choose a date in the future."],
      },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("keeps staff out of the portal's operations and portal admins out of the Control Panel's", async () => {
    const { admin } = await team();
    const staffAdmin = asCurrent(await insertTestUser(db(), { role: "admin" }));
    const before = await snapshot();
    const refused = { status: "error", error: "Your role does not allow this action." };
    expect(
      await runAs(db(), generatePortalApiKeyOperation, staffAdmin, { name: "K1", scope: "read" }),
    ).toEqual(refused);
    expect(
      await runAs(db(), generateApiKeyOperation, admin, { name: "K1", scope: "read" }),
    ).toEqual(refused);
    expect(await snapshot()).toEqual(before);
  });
});

describe("the key acts as the portal admin", () => {
  it("sees only its account through the API, another account is a 404, and stops when its owner is disabled", async () => {
    const { account, admin } = await team();
    const other = await insertTestAccount(db(), "carrier");
    const { secret: key } = await generate(admin, "Reporting");
    const list = await callApi(db(), accountEndpoints.list, { key });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { data: { id: number }[] };
    expect(body.data.map((a) => a.id)).toEqual([account.id]);
    const theirs = await callApi(db(), accountEndpoints.get, {
      key,
      params: { id: String(other.id) },
    });
    expect(theirs.status).toBe(404);

    await setUserStatus(db(), systemActor("test"), admin.id, "disabled");
    expect((await callApi(db(), accountEndpoints.list, { key })).status).toBe(401);
  });
});

describe("listing", () => {
  it("gives the portal only its account's keys, and the Control Panel every key with its account", async () => {
    const mine = await team();
    const theirs = await team("carrier");
    const own = await generate(mine.admin, "Acme own key");
    const foreign = await generate(theirs.admin, "Foreign key");
    const portalRows = await listApiKeys(db(), { accountId: mine.account.id });
    expect(portalRows.map((r) => r.id)).toEqual([own.id]);
    expect(portalRows[0]).toMatchObject({ ownerName: mine.admin.name, lastUsedAt: null });
    expect(Object.keys(portalRows[0]!)).not.toContain("secretHash");

    const all = await listApiKeys(db());
    const byId = new Map(all.map((r) => [r.id, r]));
    expect(byId.get(own.id)?.accountName).toBe(mine.account.name);
    expect(byId.get(foreign.id)?.accountName).toBe(theirs.account.name);
  });

  it("carries the last use from the usage table (time, and the IP column)", async () => {
    const { account, admin } = await team();
    const key = await generate(admin, "Used key");
    await callApi(db(), accountEndpoints.list, { key: key.secret });
    const [row] = await listApiKeys(db(), { accountId: account.id });
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    // The in-process door has no peer address; the column is there for the page.
    expect(row).toHaveProperty("lastUsedIp");
  });
});

describe("revoking in the portal", () => {
  it("lets a portal admin revoke their own or a colleague's key: DELETE entry by Portal in their account", async () => {
    const { account, admin } = await team();
    const key = await generate(admin, "To revoke");
    expect(
      await runAs(db(), revokePortalApiKeyOperation, admin, { id: String(key.id) }),
    ).toMatchObject({ status: "ok", message: "API key revoked." });
    const [row] = await db().select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(apiKeyStatus(row!)).toBe("revoked");
    expect(await entryOf(key.id, "DELETE")).toMatchObject({
      actorType: "portal",
      actorLabel: PORTAL_LABEL,
      actorDetail: `${admin.name} <${admin.email}>`,
      accountId: account.id,
      message: `Revoked API key To revoke (${row!.prefix}…)`,
    });
    expect((await callApi(db(), accountEndpoints.list, { key: key.secret })).status).toBe(401);

    // A key of a colleague who was an admin when generating it (the account's key, so theirs).
    const second = asCurrent(await insertTestPortalUser(db(), account, { admin: true }));
    const colleagueKey = await generate(second, "Colleague's key");
    expect(
      await runAs(db(), revokePortalApiKeyOperation, admin, { id: colleagueKey.id }),
    ).toMatchObject({ status: "ok" });
    // Revoked twice: a conflict, nothing more written.
    const before = await snapshot();
    expect(
      await runAs(db(), revokePortalApiKeyOperation, admin, { id: colleagueKey.id }),
    ).toMatchObject({ status: "error", error: "This key is already revoked." });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a portal user who is not a portal admin, and changes nothing", async () => {
    const { admin, colleague } = await team();
    const key = await generate(admin);
    const before = await snapshot();
    expect(await runAs(db(), revokePortalApiKeyOperation, colleague, { id: key.id })).toMatchObject(
      { status: "error", error: ONLY_ADMINS_MANAGE_API_KEYS },
    );
    expect(await snapshot()).toEqual(before);
  });

  it("answers 'not found' for another account's key, a staff key or no key at all, and changes nothing", async () => {
    const mine = await team();
    const theirs = await team("carrier");
    const foreign = await generate(theirs.admin, "Their key");
    const staffAdmin = asCurrent(await insertTestUser(db(), { role: "admin" }));
    const staffKey = await runAs(db(), generateApiKeyOperation, staffAdmin, {
      name: "Staff key",
      scope: "read",
    });
    const staffKeyId = (staffKey as { data: GeneratedKey }).data.id;
    const before = await snapshot();
    for (const id of [foreign.id, staffKeyId, 999_999_999]) {
      expect(await runAs(db(), revokePortalApiKeyOperation, mine.admin, { id })).toMatchObject({
        status: "error",
        error: API_KEY_NOT_FOUND,
      });
    }
    expect(await snapshot()).toEqual(before);
    expect((await callApi(db(), accountEndpoints.list, { key: foreign.secret })).status).toBe(200);
  });

  it("lets Control Panel staff revoke a portal key; the entry is in the owner's account", async () => {
    const { account, admin } = await team();
    const key = await generate(admin, "Staff revokes it");
    const staffAdmin = asCurrent(await insertTestUser(db(), { role: "admin" }));
    expect(await runAs(db(), revokeApiKeyOperation, staffAdmin, { id: key.id })).toMatchObject({
      status: "ok",
    });
    expect(await entryOf(key.id, "DELETE")).toMatchObject({
      actorType: "user",
      actorLabel: staffAdmin.name,
      accountId: account.id,
    });
  });
});

import {
  generateApiKeyOperation,
  type GeneratedKey,
  revokeApiKeyOperation,
} from "@/lib/api-keys/keys";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { apiKeys, auditLog } from "@/db/schema";
import type { Operation } from "@/lib/actions/operation";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import type { CurrentUser } from "@/lib/auth/session";
import { apiKeyStatus, listApiKeys, verifyApiKey } from "@/lib/api-keys/keys";
import { setUpTestDatabase } from "./db";
import { asCurrent, runAs } from "./run-action";
import { insertTestUser } from "./factories";

const database = setUpTestDatabase();

const run = <S extends z.ZodType, T>(op: Operation<S, T>, user: CurrentUser, raw: object) =>
  runAs(database.db, op, user, raw);

const snapshot = async () => ({
  keys: await database.db.$count(apiKeys),
  audit: await database.db.$count(auditLog),
});

let admin: CurrentUser;
beforeAll(async () => {
  admin = asCurrent(await insertTestUser(database.db, { role: "admin" }));
});

async function generate(raw: object = { name: "Billing sync", scope: "read" }) {
  const result = await run(generateApiKeyOperation, admin, raw);
  expect(result.status).toBe("ok");
  return (result as { data: GeneratedKey }).data;
}

describe("generateApiKey", () => {
  it("stores a prefix and a hash, and the GENERATE entry holds neither secret nor hash", async () => {
    const key = await generate();
    expect(key.secret).toMatch(/^tl_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/);
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row).toMatchObject({ name: "Billing sync", scope: "read", ownerUserId: admin.id });
    expect(key.secret.startsWith(`${row!.prefix}_`)).toBe(true);
    expect(row!.secretHash).not.toContain(key.secret);

    const entries = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(key.id)));
    const entry = entries.find((e) => e.tableName === "api_keys");
    expect(entry).toMatchObject({ action: "GENERATE", actorUserId: admin.id });
    expect(entry!.message).toContain(row!.prefix);
    const all = JSON.stringify(await database.db.select().from(auditLog));
    expect(all).not.toContain(key.secret);
    expect(all).not.toContain(key.secret.slice(12));
    expect(all).not.toContain(row!.secretHash);
  });

  it("keeps a chosen expiry date", async () => {
    const key = await generate({ name: "Dated", scope: "read_write", expiresAt: "2999-01-31" });
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.expiresAt?.toISOString()).toBe("2999-01-31T23:59:59.999Z");
    expect(row!.scope).toBe("read_write");
  });

  it.each([
    ["no name", { name: " ", scope: "read" }, "name"],
    ["a bad scope", { name: "K", scope: "admin" }, "scope"],
    ["a past expiry", { name: "K", scope: "read", expiresAt: "2001-01-01" }, "expiresAt"],
    ["a malformed expiry", { name: "K", scope: "read", expiresAt: "soon" }, "expiresAt"],
  ])("returns a field error for %s and writes nothing", async (_label, raw, field) => {
    const before = await snapshot();
    expect(await run(generateApiKeyOperation, admin, raw)).toMatchObject({
      status: "error",
      fieldErrors: { [field]: [expect.any(String)] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it.each(["support", "auditor", "branding"] as const)(
    "refuses %s (generate and revoke) and writes nothing",
    async (role) => {
      const user = asCurrent(await insertTestUser(database.db, { role }));
      const key = await generate();
      const before = await snapshot();
      const refused = { status: "error", error: "Your role does not allow this action." };
      expect(await run(generateApiKeyOperation, user, { name: "Nope", scope: "read" })).toEqual(
        refused,
      );
      expect(await run(revokeApiKeyOperation, user, { id: key.id })).toEqual(refused);
      expect(await snapshot()).toEqual(before);
    },
  );
});

describe("verifyApiKey", () => {
  it("accepts the secret, with or without Bearer", async () => {
    const key = await generate();
    expect((await verifyApiKey(database.db, key.secret))?.id).toBe(key.id);
    expect((await verifyApiKey(database.db, `Bearer ${key.secret}`))?.id).toBe(key.id);
  });

  it("rejects garbage, a wrong secret with a real prefix, and nothing", async () => {
    const key = await generate();
    const wrong = key.secret.slice(0, 12) + "A".repeat(32);
    for (const bearer of [
      "",
      null,
      "garbage",
      "tl_zzzzzzzz_x",
      "tl_zzzzzzzz_" + "A".repeat(32),
      wrong,
      key.secret + "x",
    ]) {
      expect(await verifyApiKey(database.db, bearer)).toBeNull();
    }
  });

  it("accepts a key in the seed's format (a longer alphanumeric tail)", async () => {
    const secret = `tl_Ab3dEf9h_${"x1Y2".repeat(10)}`;
    const [row] = await auditedMutation(database.db, systemActor("test"), {
      table: "api_keys",
      action: "GENERATE",
      change: async (tx) => {
        const [r] = await tx
          .insert(apiKeys)
          .values({
            name: "Seeded",
            prefix: "tl_Ab3dEf9h",
            secretHash: createHash("sha256").update(secret).digest("hex"),
            ownerUserId: admin.id,
          })
          .returning({ id: apiKeys.id });
        return r!.id;
      },
    }).then((r) => [r.after]);
    expect((await verifyApiKey(database.db, secret))?.id).toBe(row!.id);
  });

  it("rejects a revoked key; revoking writes a DELETE entry", async () => {
    const key = await generate({ name: "To revoke", scope: "read" });
    expect(await run(revokeApiKeyOperation, admin, { id: key.id })).toMatchObject({ status: "ok" });
    expect(await verifyApiKey(database.db, key.secret)).toBeNull();
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, "DELETE"));
    expect(entry?.message).toMatch(/^Revoked API key To revoke \(tl_[0-9a-f]{8}…\)$/);
    expect(await run(revokeApiKeyOperation, admin, { id: key.id })).toMatchObject({
      status: "error",
      error: "This key is already revoked.",
    });
    const listed = (await listApiKeys(database.db)).find((k) => k.id === key.id);
    expect(apiKeyStatus(listed!)).toBe("revoked");
    expect(listed?.ownerName).toBe(admin.name);
  });

  it("rejects an expired key", async () => {
    const key = await generate();
    await auditedMutation(database.db, systemActor("test"), {
      table: "api_keys",
      action: "UPDATE",
      id: key.id,
      change: async (tx) => {
        await tx
          .update(apiKeys)
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .where(eq(apiKeys.id, key.id));
      },
    });
    expect(await verifyApiKey(database.db, key.secret)).toBeNull();
  });
});

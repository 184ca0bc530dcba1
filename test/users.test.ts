import { changeRoleOperation } from "@/lib/users/change-role";
import { inviteUserOperation } from "@/lib/users/invite-user";
import { sendPasswordResetOperation } from "@/lib/users/send-password-reset";
import { setPortalAdminOperation } from "@/lib/users/set-portal-admin";
import { setUserStatusOperation } from "@/lib/users/set-user-status";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, emailOutbox, users } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import type { CurrentUser } from "@/lib/auth/session";
import { verifyPassword } from "@/lib/auth/password";
import type { Operation } from "@/lib/actions/operation";
import { setPasswordSchema } from "@/lib/users/schemas";
import { hashToken, newPasswordToken } from "@/lib/users/tokens";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { invitePortalUser } from "@/lib/portal/users";
import { INVALID_LINK, setPasswordWithToken } from "@/lib/users/set-password-with-token";
import { PORTAL_ADMIN_ONLY } from "@/lib/users/user-rules";
import { AppError } from "@/lib/errors";
import type { z } from "zod";
import { setUpTestDatabase } from "./db";
import { asCurrent, REQUEST, runAs, TEST_BASE_URL } from "./run-action";
import { insertTestAccount, insertTestUser } from "./factories";

const database = setUpTestDatabase();

const BASE = TEST_BASE_URL;

const run = <S extends z.ZodType, T>(op: Operation<S, T>, user: CurrentUser, raw: object) =>
  runAs(database.db, op, user, raw);

const snapshot = async () => ({
  users: await database.db.$count(users),
  outbox: await database.db.$count(emailOutbox),
  audit: await database.db.$count(auditLog),
});

let admin: CurrentUser;
beforeAll(async () => {
  admin = asCurrent(await insertTestUser(database.db, { role: "admin" }));
});

/** The token inside the newest email to `to`. */
async function tokenSentTo(to: string): Promise<string> {
  const [mail] = await database.db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.toAddress, to))
    .orderBy(sql`id desc`)
    .limit(1);
  const match = /\/set-password\?token=([\w-]+)/.exec(mail!.bodyText);
  return match![1]!;
}

const request = { ip: "203.0.113.9", userAgent: "vitest", requestId: "req-set-password" };

describe("role checks", () => {
  it.each(["support", "auditor", "branding"] as const)(
    "refuses %s for every user action and writes nothing",
    async (role) => {
      const user = asCurrent(await insertTestUser(database.db, { role }));
      const target = await insertTestUser(database.db, { role: "support" });
      const before = await snapshot();
      const refused = { status: "error", error: "Your role does not allow this action." };
      expect(
        await run(inviteUserOperation, user, {
          name: "X",
          email: "x@example.test",
          role: "support",
        }),
      ).toEqual(refused);
      expect(await run(changeRoleOperation, user, { userId: target.id, role: "admin" })).toEqual(
        refused,
      );
      expect(
        await run(setUserStatusOperation, user, { userId: target.id, status: "disabled" }),
      ).toEqual(refused);
      expect(await run(sendPasswordResetOperation, user, { userId: target.id })).toEqual(refused);
      expect(await snapshot()).toEqual(before);
    },
  );
});

describe("inviteUser", () => {
  it("writes the user, the outbox row, CREATE and SEND entries, and never the token", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const result = await run(inviteUserOperation, admin, {
      name: "Portal Person",
      email: "Portal.Person@Example.test",
      role: "customer",
      accountId: String(account.id),
    });
    expect(result.status).toBe("ok");
    const id = (result as { data: number }).data;

    const [user] = await database.db.select().from(users).where(eq(users.id, id));
    expect(user).toMatchObject({
      email: "portal.person@example.test",
      role: "customer",
      accountId: account.id,
      status: "invited",
      passwordHash: null,
    });
    const hours = (user!.passwordTokenExpiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);

    const [mail] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.userId, id));
    expect(mail).toMatchObject({
      kind: "invitation",
      toAddress: "portal.person@example.test",
      accountId: account.id,
      status: "queued",
    });
    const token = await tokenSentTo("portal.person@example.test");
    expect(mail!.bodyText).toContain(`${BASE}/set-password?token=${token}`);
    // Only the hash is stored.
    expect(user!.passwordTokenHash).toBe(hashToken(token));

    const entries = await database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.relatedIds} @> array[${`user:${id}`}]::text[]`)
      .orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.tableName])).toEqual([
      ["CREATE", "users"],
      ["SEND", "email_outbox"],
    ]);
    expect(entries[1]!.message).toBe("Sent invitation email to portal.person@example.test");
    expect(entries[0]!.requestId).toBe(entries[1]!.requestId);
    expect(entries[0]!.actorUserId).toBe(admin.id);
    const all = JSON.stringify(await database.db.select().from(auditLog));
    expect(all).not.toContain(token);
    expect(all).not.toContain(hashToken(token));
  });

  it("rolls the user back when the email cannot be queued (one transaction)", async () => {
    const before = await snapshot();
    // An unusable base URL fails while building the link, after the user row was inserted.
    const result = await runAs(
      database.db,
      inviteUserOperation,
      admin,
      { name: "Rolled Back", email: "rolled.back@example.test", role: "support" },
      { baseUrl: "not a url" },
    );
    expect(result.status).toBe("error");
    expect(await snapshot()).toEqual(before);
  });

  it("invites a staff user without an account", async () => {
    const result = await run(inviteUserOperation, admin, {
      name: "New Support",
      email: "new.support@example.test",
      role: "support",
      accountId: "",
    });
    expect(result.status).toBe("ok");
  });

  it.each([
    ["a bad email", { name: "A", email: "not-an-email", role: "support" }, "email"],
    ["no name", { name: " ", email: "a1@example.test", role: "support" }, "name"],
    ["an unknown role", { name: "A", email: "a2@example.test", role: "root" }, "role"],
    [
      "a portal role without account",
      { name: "A", email: "a3@example.test", role: "customer" },
      "accountId",
    ],
    [
      "a missing account",
      { name: "A", email: "a4@example.test", role: "customer", accountId: "999999" },
      "accountId",
    ],
  ])("returns a field error for %s and writes nothing", async (_label, raw, field) => {
    const before = await snapshot();
    const result = await run(inviteUserOperation, admin, raw);
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { [field]: [expect.any(String)] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a customer role on a carrier account", async () => {
    const carrier = await insertTestAccount(database.db, "carrier");
    const before = await snapshot();
    const result = await run(inviteUserOperation, admin, {
      name: "Wrong",
      email: "wrong.type@example.test",
      role: "customer",
      accountId: String(carrier.id),
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { accountId: ["A customer user needs a customer account."] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a duplicate email, whatever its case", async () => {
    const existing = await insertTestUser(database.db, { role: "support" });
    const before = await snapshot();
    const result = await run(inviteUserOperation, admin, {
      name: "Dup",
      email: existing.email.toUpperCase(),
      role: "auditor",
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { email: ["A user with this email already exists."] },
    });
    expect(await snapshot()).toEqual(before);
  });
});

describe("set password", () => {
  async function invite(email: string) {
    const result = await run(inviteUserOperation, admin, {
      name: "Invitee",
      email,
      role: "auditor",
    });
    expect(result.status).toBe("ok");
    return { id: (result as { data: number }).data, token: await tokenSentTo(email) };
  }

  it("works once, as the user, and the second use is refused", async () => {
    const { id, token } = await invite("once@example.test");
    await setPasswordWithToken(database.db, request, token, "a long enough password");
    const [user] = await database.db.select().from(users).where(eq(users.id, id));
    expect(user).toMatchObject({ status: "active", passwordTokenHash: null });
    expect(await verifyPassword(user!.passwordHash, "a long enough password")).toBe(true);
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, request.requestId));
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "users",
      recordPk: String(id),
      actorUserId: id,
    });
    // The entry names the link and who issued it (the outbox copy is readable by other admins).
    expect(entry!.message).toMatch(
      new RegExp(
        `^Set their password through an invitation link issued by ${admin.name} at \\d{4}-`,
      ),
    );
    expect(JSON.stringify(entry)).not.toContain(user!.passwordHash!);

    const before = await snapshot();
    await expect(
      setPasswordWithToken(database.db, request, token, "another long password"),
    ).rejects.toThrow(INVALID_LINK);
    expect(await snapshot()).toEqual(before);
  });

  it("names a portal administrator who issued the link, and says so when the issue is unknown", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const manager = await insertTestUser(database.db, { role: "customer", accountId: account.id });
    const actor = actorForUser(manager, REQUEST);
    const inviteeId = await invitePortalUser(
      database.db,
      actor,
      { id: manager.id, accountId: account.id, portalAdmin: true },
      { name: "Colleague", email: "colleague@example.test" },
      BASE,
    );
    const token = await tokenSentTo("colleague@example.test");
    await setPasswordWithToken(database.db, request, token, "a long enough password");
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(inviteeId)))
      .orderBy(sql`id desc`)
      .limit(1);
    expect(entry).toMatchObject({ actorLabel: "Portal", accountId: account.id });
    expect(entry!.message).toContain(
      `through an invitation link issued by ${manager.name} <${manager.email}> in the Customer Portal at`,
    );

    // A link stored without an audited issue (e.g. data imported from elsewhere) still works,
    // and the entry says its issue is unknown rather than naming someone.
    const orphan = await insertTestUser(database.db, { role: "auditor" });
    const raw = newPasswordToken(1);
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('trunkline.audit_table', 'users', true)`);
      await tx
        .update(users)
        .set({ passwordTokenHash: raw.hash, passwordTokenExpiresAt: raw.expiresAt })
        .where(eq(users.id, orphan.id));
    });
    await setPasswordWithToken(database.db, request, raw.token, "a long enough password");
    const [unknown] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(orphan.id)))
      .orderBy(sql`id desc`)
      .limit(1);
    expect(unknown!.message).toBe(
      "Set their password through a link whose issue is not in the audit log",
    );
  });

  it("refuses an expired link and changes nothing", async () => {
    const { id, token } = await invite("expired@example.test");
    await auditedMutation(database.db, systemActor("test"), {
      table: "users",
      action: "UPDATE",
      id,
      change: async (tx) => {
        await tx
          .update(users)
          .set({ passwordTokenExpiresAt: new Date(Date.now() - 1000) })
          .where(eq(users.id, id));
      },
    });
    const before = await snapshot();
    const err = await setPasswordWithToken(database.db, request, token, "a long enough password")
      .then(() => null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const [user] = await database.db.select().from(users).where(eq(users.id, id));
    expect(user).toMatchObject({ status: "invited", passwordHash: null });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses garbage tokens", async () => {
    await expect(
      setPasswordWithToken(database.db, request, "nope", "a long enough password"),
    ).rejects.toThrow(INVALID_LINK);
  });

  it("requires 12 characters and a matching confirmation", () => {
    const short = setPasswordSchema.safeParse({ token: "t", password: "short", confirm: "short" });
    expect(short.success).toBe(false);
    const mismatch = setPasswordSchema.safeParse({
      token: "t",
      password: "twelve chars!",
      confirm: "twelve chars?",
    });
    expect(mismatch.error?.issues[0]?.path).toEqual(["confirm"]);
  });

  it("a password reset issues a new link with a SEND entry and voids the old one", async () => {
    const { id, token: first } = await invite("reset@example.test");
    const result = await run(sendPasswordResetOperation, admin, { userId: id });
    expect(result.status).toBe("ok");
    const second = await tokenSentTo("reset@example.test");
    expect(second).not.toBe(first);
    const [send] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.message, "Sent password reset email to reset@example.test"));
    expect(send?.action).toBe("SEND");
    await expect(
      setPasswordWithToken(database.db, request, first, "a long enough password"),
    ).rejects.toThrow(INVALID_LINK);
    await setPasswordWithToken(database.db, request, second, "a long enough password");
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, request.requestId))
      .orderBy(sql`id desc`)
      .limit(1);
    expect(entry!.message).toContain(`through a password reset link issued by ${admin.name} at`);
    const all = JSON.stringify(await database.db.select().from(auditLog));
    expect(all).not.toContain(second);
    expect(all).not.toContain(hashToken(second));
  });
});

describe("roles and status", () => {
  it("nobody changes their own role", async () => {
    const me = asCurrent(await insertTestUser(database.db, { role: "admin" }));
    const before = await snapshot();
    expect(await run(changeRoleOperation, me, { userId: me.id, role: "support" })).toMatchObject({
      status: "error",
      error: "You cannot change your own role.",
    });
    expect(await snapshot()).toEqual(before);
  });

  it("changes another user's role with an UPDATE entry", async () => {
    const target = await insertTestUser(database.db, { role: "support" });
    expect(
      await run(changeRoleOperation, admin, { userId: target.id, role: "auditor" }),
    ).toMatchObject({
      status: "ok",
    });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.recordPk} = ${String(target.id)} and ${auditLog.tableName} = 'users'`)
      .orderBy(sql`id desc`)
      .limit(1);
    expect(entry).toMatchObject({ action: "UPDATE", actorUserId: admin.id });
    expect(entry!.message).toContain("from Support to Auditor");
  });

  it("disables and enables a user", async () => {
    const target = await insertTestUser(database.db, { role: "support" });
    expect(
      await run(setUserStatusOperation, admin, { userId: target.id, status: "disabled" }),
    ).toMatchObject({ status: "ok" });
    let [row] = await database.db.select().from(users).where(eq(users.id, target.id));
    expect(row?.status).toBe("disabled");
    expect(
      await run(setUserStatusOperation, admin, { userId: target.id, status: "active" }),
    ).toMatchObject({
      status: "ok",
    });
    [row] = await database.db.select().from(users).where(eq(users.id, target.id));
    expect(row?.status).toBe("active");
  });

  it("never demotes or disables the last active admin", async () => {
    // Leave exactly one active admin: disable every other one.
    const admins = await database.db
      .select()
      .from(users)
      .where(
        sql`${users.role} = 'admin' and ${users.status} = 'active' and ${users.id} <> ${admin.id}`,
      );
    for (const a of admins) {
      expect(
        await run(setUserStatusOperation, admin, { userId: a.id, status: "disabled" }),
      ).toMatchObject({
        status: "ok",
      });
    }
    const other = asCurrent(
      await insertTestUser(database.db, { role: "admin", status: "disabled" }),
    );
    // A disabled admin cannot act in the app, but the rule holds even if one could.
    const before = await snapshot();
    expect(
      await run(changeRoleOperation, other, { userId: admin.id, role: "support" }),
    ).toMatchObject({
      status: "error",
      error: expect.stringContaining("last active admin"),
    });
    expect(
      await run(setUserStatusOperation, other, { userId: admin.id, status: "disabled" }),
    ).toMatchObject({ status: "error", error: expect.stringContaining("last active admin") });
    expect(await snapshot()).toEqual(before);
    const [row] = await database.db.select().from(users).where(eq(users.id, admin.id));
    expect(row).toMatchObject({ role: "admin", status: "active" });

    // With a second active admin, the first may be demoted.
    expect(
      await run(setUserStatusOperation, admin, { userId: other.id, status: "active" }),
    ).toMatchObject({
      status: "ok",
    });
    expect(
      await run(changeRoleOperation, other, { userId: admin.id, role: "support" }),
    ).toMatchObject({
      status: "ok",
    });
  });
});

describe("portal administrators", () => {
  /** The newest audit entry about a users row. */
  async function lastUserEntry(id: number) {
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.recordPk} = ${String(id)} and ${auditLog.tableName} = 'users'`)
      .orderBy(sql`id desc`)
      .limit(1);
    return entry!;
  }
  const flagOf = async (id: number) =>
    (await database.db.select().from(users).where(eq(users.id, id)))[0]!.portalAdmin;

  it("invites a portal user as portal administrator when the box is ticked", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const result = await run(inviteUserOperation, admin, {
      name: "Portal Boss",
      email: "portal.boss@example.test",
      role: "customer",
      accountId: String(account.id),
      portalAdmin: "on",
    });
    expect(result.status).toBe("ok");
    const id = (result as { data: number }).data;
    expect(await flagOf(id)).toBe(true);
    const entry = await lastUserEntry(id);
    expect(entry.action).toBe("CREATE");
    expect(entry.after).toMatchObject({ portalAdmin: true, accountId: account.id });
    expect(entry.message).toContain("as a portal administrator");
  });

  it("invites without the flag when the box is not ticked", async () => {
    const account = await insertTestAccount(database.db, "carrier");
    const result = await run(inviteUserOperation, admin, {
      name: "Portal Plain",
      email: "portal.plain@example.test",
      role: "carrier",
      accountId: String(account.id),
    });
    expect(result.status).toBe("ok");
    const id = (result as { data: number }).data;
    expect(await flagOf(id)).toBe(false);
    expect((await lastUserEntry(id)).after).toMatchObject({ portalAdmin: false });
  });

  it("refuses the box for a staff role with a field error and writes nothing", async () => {
    const before = await snapshot();
    const result = await run(inviteUserOperation, admin, {
      name: "Staff Boss",
      email: "staff.boss@example.test",
      role: "support",
      portalAdmin: "on",
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { portalAdmin: [PORTAL_ADMIN_ONLY] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a checkbox value other than "on"', async () => {
    const account = await insertTestAccount(database.db, "customer");
    const before = await snapshot();
    const result = await run(inviteUserOperation, admin, {
      name: "Odd Box",
      email: "odd.box@example.test",
      role: "customer",
      accountId: String(account.id),
      portalAdmin: "yes",
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { portalAdmin: [expect.any(String)] },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("makes and removes a portal administrator with UPDATE entries", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const target = await insertTestUser(database.db, { role: "customer", accountId: account.id });
    expect(target.portalAdmin).toBe(false);

    const made = await run(setPortalAdminOperation, admin, {
      userId: target.id,
      portalAdmin: "true",
    });
    expect(made).toMatchObject({ status: "ok", data: target.id });
    expect(await flagOf(target.id)).toBe(true);
    let entry = await lastUserEntry(target.id);
    expect(entry).toMatchObject({
      action: "UPDATE",
      actorUserId: admin.id,
      accountId: account.id,
      message: `Made ${target.name} <${target.email}> a portal administrator of ${account.name} (${account.id})`,
    });
    expect(entry.before).toMatchObject({ portalAdmin: false });
    expect(entry.after).toMatchObject({ portalAdmin: true });

    const removed = await run(setPortalAdminOperation, admin, {
      userId: target.id,
      portalAdmin: "false",
    });
    expect(removed).toMatchObject({ status: "ok" });
    expect(await flagOf(target.id)).toBe(false);
    entry = await lastUserEntry(target.id);
    expect(entry.before).toMatchObject({ portalAdmin: true });
    expect(entry.after).toMatchObject({ portalAdmin: false });
    expect(entry.message).toContain("Removed");
  });

  it("refuses a no-op and writes nothing", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const target = await insertTestUser(database.db, { role: "customer", accountId: account.id });
    const before = await snapshot();
    expect(
      await run(setPortalAdminOperation, admin, { userId: target.id, portalAdmin: "false" }),
    ).toMatchObject({ status: "error", error: `${target.name} is not a portal administrator.` });
    expect(await snapshot()).toEqual(before);
    expect(
      await run(setPortalAdminOperation, admin, { userId: target.id, portalAdmin: "true" }),
    ).toMatchObject({ status: "ok" });
    const after = await snapshot();
    expect(
      await run(setPortalAdminOperation, admin, { userId: target.id, portalAdmin: "true" }),
    ).toMatchObject({
      status: "error",
      error: `${target.name} is already a portal administrator.`,
    });
    expect(await snapshot()).toEqual(after);
  });

  it("refuses a staff user and changes nothing", async () => {
    const target = await insertTestUser(database.db, { role: "support" });
    const before = await snapshot();
    expect(
      await run(setPortalAdminOperation, admin, { userId: target.id, portalAdmin: "true" }),
    ).toMatchObject({ status: "error", error: PORTAL_ADMIN_ONLY });
    expect(await flagOf(target.id)).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses support (no users:manage) and changes nothing", async () => {
    const support = asCurrent(await insertTestUser(database.db, { role: "support" }));
    const account = await insertTestAccount(database.db, "customer");
    const target = await insertTestUser(database.db, { role: "customer", accountId: account.id });
    const before = await snapshot();
    expect(
      await run(setPortalAdminOperation, support, { userId: target.id, portalAdmin: "true" }),
    ).toEqual({ status: "error", error: "Your role does not allow this action." });
    expect(await flagOf(target.id)).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a portal administrator acting from the portal (staff audience)", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const boss = await insertTestUser(database.db, { role: "customer", accountId: account.id });
    const colleague = await insertTestUser(database.db, {
      role: "customer",
      accountId: account.id,
    });
    const before = await snapshot();
    expect(
      await run(
        setPortalAdminOperation,
        { ...asCurrent(boss), portalAdmin: true },
        {
          userId: colleague.id,
          portalAdmin: "true",
        },
      ),
    ).toEqual({ status: "error", error: "Your role does not allow this action." });
    expect(await snapshot()).toEqual(before);
  });

  it("returns 'not found' for a missing user", async () => {
    expect(
      await run(setPortalAdminOperation, admin, { userId: 99999999, portalAdmin: "true" }),
    ).toMatchObject({ status: "error", error: "That record no longer exists." });
  });
});

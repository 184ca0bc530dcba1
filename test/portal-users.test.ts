import { invitePortalUserOperation, setPortalUserStatusOperation } from "@/lib/portal/users";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { pgErrorOf } from "@/db/errors";
import { auditLog, emailOutbox, users } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { findPortalUser, listPortalUsers, ONLY_ADMINS_MANAGE_USERS } from "@/lib/portal/users";
import { actorForUser } from "@/lib/auth/actor-for-user";
import { DISABLED_BY_STAFF, setUserStatus } from "@/lib/users/set-user-status";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import {
  asCurrent,
  counts,
  insertTestPortalUser,
  findUserRow,
  REQUEST,
  runAs,
} from "./portal-support";
import { TEST_BASE_URL } from "./run-action";

const database = setUpTestDatabase();

const NOT_FOUND = { status: "error", error: "That user does not exist." };

/** An account with a portal admin and a colleague who is not one. */
async function team(type: "customer" | "carrier" = "customer") {
  const account = await insertTestAccount(database.db, type);
  const admin = await insertTestPortalUser(database.db, account, { admin: true });
  const colleague = await insertTestPortalUser(database.db, account);
  return { account, admin, colleague };
}

describe("listing", () => {
  it("shows only the account's own portal users, without secrets", async () => {
    const mine = await team();
    const theirs = await team();
    const staff = await insertTestUser(database.db, { role: "support" });
    const rows = await listPortalUsers(database.db, mine.account.id);
    expect(rows.map((r) => r.id).sort()).toEqual([mine.admin.id, mine.colleague.id].sort());
    expect(rows.find((r) => r.id === mine.admin.id)?.portalAdmin).toBe(true);
    expect(rows.find((r) => r.id === mine.colleague.id)?.portalAdmin).toBe(false);
    expect(Object.keys(rows[0]!)).not.toContain("passwordHash");
    expect(await findPortalUser(database.db, mine.account.id, theirs.admin.id)).toBeNull();
    expect(await findPortalUser(database.db, mine.account.id, staff.id)).toBeNull();
    expect(await findPortalUser(database.db, mine.account.id, mine.colleague.id)).toMatchObject({
      id: mine.colleague.id,
    });
  });
});

describe("inviting", () => {
  it("lets a portal admin invite a colleague: account's type and id, CREATE + SEND as Portal", async () => {
    const { account, admin } = await team("carrier");
    const result = await runAs(database.db, invitePortalUserOperation, asCurrent(admin), {
      name: "New Colleague",
      email: "New.Colleague@Carrier.example",
      // Ignored: the role and the account come from the signed-in admin.
      role: "admin",
      accountId: "1",
    });
    expect(result).toMatchObject({ status: "ok" });
    const id = (result as { data: number }).data;
    expect(await findUserRow(database.db, id)).toMatchObject({
      email: "new.colleague@carrier.example",
      name: "New Colleague",
      role: "carrier",
      accountId: account.id,
      status: "invited",
      portalAdmin: false,
      passwordHash: null,
    });
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.relatedIds} @> array[${`user:${id}`}]::text[]`)
      .orderBy(auditLog.id);
    expect(
      entries.map((e) => [e.action, e.tableName, e.actorType, e.actorLabel, e.accountId]),
    ).toEqual([
      ["CREATE", "users", "portal", "Portal", account.id],
      ["SEND", "email_outbox", "portal", "Portal", account.id],
    ]);
    expect(entries[0]!.actorUserId).toBe(admin.id);
    const [mail] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.userId, id));
    expect(mail).toMatchObject({ kind: "invitation", toAddress: "new.colleague@carrier.example" });
    expect(mail!.bodyText).toContain(`${TEST_BASE_URL}/set-password?token=`);
  });

  it("refuses an address that is already taken, as a field error", async () => {
    const { admin, colleague } = await team();
    const before = await counts(database.db);
    const result = await runAs(database.db, invitePortalUserOperation, asCurrent(admin), {
      name: "Twin",
      email: colleague.email.toUpperCase(),
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { email: ["A user with this email already exists."] },
    });
    expect(await counts(database.db)).toEqual(before);
  });

  it("returns field errors for a bad name and email", async () => {
    const { admin } = await team();
    const before = await counts(database.db);
    const result = await runAs(database.db, invitePortalUserOperation, asCurrent(admin), {
      name: "",
      email: "nope",
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { name: [expect.any(String)], email: [expect.any(String)] },
    });
    expect(await counts(database.db)).toEqual(before);
  });

  it("refuses a non-admin and changes nothing", async () => {
    const { colleague } = await team();
    const before = await counts(database.db);
    const result = await runAs(database.db, invitePortalUserOperation, asCurrent(colleague), {
      name: "Sneaky",
      email: "sneaky@example.test",
    });
    expect(result).toMatchObject({ status: "error", error: ONLY_ADMINS_MANAGE_USERS });
    expect(await counts(database.db)).toEqual(before);
  });

  it("invites into the admin's own account, whatever account the form names", async () => {
    const a = await team();
    const b = await team();
    const result = await runAs(database.db, invitePortalUserOperation, asCurrent(a.admin), {
      name: "Into B",
      email: "into.b@example.test",
      accountId: String(b.account.id),
    });
    expect(result.status).toBe("ok");
    const id = (result as { data: number }).data;
    expect((await findUserRow(database.db, id)).accountId).toBe(a.account.id);
    expect(await database.db.$count(users, eq(users.accountId, b.account.id))).toBe(2);
  });
});

describe("disabling and enabling", () => {
  it("lets a portal admin disable and re-enable a colleague, as Portal", async () => {
    const { account, admin, colleague } = await team();
    const off = await runAs(database.db, setPortalUserStatusOperation, asCurrent(admin), {
      userId: String(colleague.id),
      status: "disabled",
    });
    expect(off).toEqual({ status: "ok", data: colleague.id, message: "User disabled." });
    expect((await findUserRow(database.db, colleague.id)).status).toBe("disabled");
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.recordPk, String(colleague.id)))
      .orderBy(sql`${auditLog.id} desc`)
      .limit(1);
    expect(entry).toMatchObject({
      action: "UPDATE",
      actorType: "portal",
      actorLabel: "Portal",
      accountId: account.id,
      message: `Disabled user ${colleague.name} <${colleague.email}>`,
    });

    const on = await runAs(database.db, setPortalUserStatusOperation, asCurrent(admin), {
      userId: String(colleague.id),
      status: "active",
    });
    expect(on).toMatchObject({ status: "ok", message: "User enabled." });
    expect((await findUserRow(database.db, colleague.id)).status).toBe("active");
  });

  it("does not let a portal admin undo a disable made by the provider's staff", async () => {
    const { admin, colleague } = await team();
    const staff = await insertTestUser(database.db, { role: "support" });
    await setUserStatus(database.db, actorForUser(staff, REQUEST), colleague.id, "disabled");
    const before = await counts(database.db);
    const enable = () =>
      runAs(database.db, setPortalUserStatusOperation, asCurrent(admin), {
        userId: String(colleague.id),
        status: "active",
      });
    expect(await enable()).toMatchObject({ status: "error", error: DISABLED_BY_STAFF });
    expect((await findUserRow(database.db, colleague.id)).status).toBe("disabled");
    expect(await counts(database.db)).toEqual(before);

    // Once staff enabled them again, the account's own later disable is theirs to undo.
    await setUserStatus(database.db, actorForUser(staff, REQUEST), colleague.id, "active");
    await runAs(database.db, setPortalUserStatusOperation, asCurrent(admin), {
      userId: String(colleague.id),
      status: "disabled",
    });
    expect(await enable()).toMatchObject({ status: "ok", message: "User enabled." });
  });

  it("refuses to disable yourself", async () => {
    const { admin } = await team();
    const before = await counts(database.db);
    const result = await runAs(database.db, setPortalUserStatusOperation, asCurrent(admin), {
      userId: admin.id,
      status: "disabled",
    });
    expect(result).toMatchObject({ status: "error", error: "You cannot disable yourself." });
    expect((await findUserRow(database.db, admin.id)).status).toBe("active");
    expect(await counts(database.db)).toEqual(before);
  });

  it("refuses a non-admin and changes nothing", async () => {
    const { admin, colleague } = await team();
    const before = await counts(database.db);
    const result = await runAs(database.db, setPortalUserStatusOperation, asCurrent(colleague), {
      userId: admin.id,
      status: "disabled",
    });
    expect(result).toMatchObject({ status: "error", error: ONLY_ADMINS_MANAGE_USERS });
    expect(await findUserRow(database.db, admin.id)).toEqual(admin);
    expect(await counts(database.db)).toEqual(before);
  });

  it("answers 'not found' for a user of another account and leaves them alone", async () => {
    const mine = await team();
    const theirs = await team();
    const before = await counts(database.db);
    for (const status of ["disabled", "active"] as const) {
      const result = await runAs(database.db, setPortalUserStatusOperation, asCurrent(mine.admin), {
        userId: String(theirs.colleague.id),
        status,
      });
      expect(result).toMatchObject(NOT_FOUND);
    }
    expect(await findUserRow(database.db, theirs.colleague.id)).toEqual(theirs.colleague);
    expect(await counts(database.db)).toEqual(before);
  });

  it("answers the same for a staff user and for an id that does not exist", async () => {
    const { admin } = await team();
    const staff = await insertTestUser(database.db, { role: "admin" });
    const [max] = await database.db.select({ id: sql<number>`max(${users.id})::int` }).from(users);
    const before = await counts(database.db);
    for (const userId of [staff.id, max!.id + 1000]) {
      const result = await runAs(database.db, setPortalUserStatusOperation, asCurrent(admin), {
        userId,
        status: "disabled",
      });
      expect(result).toMatchObject(NOT_FOUND);
    }
    expect(await findUserRow(database.db, staff.id)).toEqual(staff);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe("the portal admin flag", () => {
  it("is refused by the database on a staff user", async () => {
    const staff = await insertTestUser(database.db, { role: "support" });
    const before = await counts(database.db);
    const err = await auditedMutation(database.db, systemActor("test"), {
      table: "users",
      action: "UPDATE",
      id: staff.id,
      change: async (tx) => {
        await tx.update(users).set({ portalAdmin: true }).where(eq(users.id, staff.id));
      },
    }).catch((e: unknown) => e);
    expect(pgErrorOf(err)).toMatchObject({
      code: "23514",
      constraint: "users_portal_admin_has_account",
    });
    expect(await findUserRow(database.db, staff.id)).toEqual(staff);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe("who may call the user actions", () => {
  it.each(["admin", "support"] as const)("refuses staff (%s) and changes nothing", async (role) => {
    const staff = asCurrent(await insertTestUser(database.db, { role }));
    const { colleague } = await team();
    const before = await counts(database.db);
    const refused = { status: "error", error: "Your role does not allow this action." };
    expect(
      await runAs(database.db, invitePortalUserOperation, staff, {
        name: "X",
        email: "x.staff@example.test",
      }),
    ).toEqual(refused);
    expect(
      await runAs(database.db, setPortalUserStatusOperation, staff, {
        userId: colleague.id,
        status: "disabled",
      }),
    ).toEqual(refused);
    expect(await findUserRow(database.db, colleague.id)).toEqual(colleague);
    expect(await counts(database.db)).toEqual(before);
  });
});

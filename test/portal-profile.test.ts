import { changePortalPasswordOperation } from "@/lib/users/change-password";
import { updateProfileOperation } from "@/lib/portal/profile";
import { desc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
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

const database = setUpTestDatabase();

const PASSWORD = "the current password";

async function newPortalUser() {
  const account = await insertTestAccount(database.db, "customer");
  const row = await insertTestPortalUser(database.db, account, { password: PASSWORD });
  return { account, row, user: asCurrent(row) };
}

const lastEntry = async () =>
  (await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]!;

describe("profile", () => {
  it("saves name and time zone as an UPDATE by Portal, on the user's account", async () => {
    const { account, row, user } = await newPortalUser();
    const result = await runAs(database.db, updateProfileOperation, user, {
      name: "  Maya R. Patel ",
      timeZone: "Europe/London",
    });
    expect(result).toEqual({ status: "ok", data: row.id, message: "Profile saved." });
    expect(await findUserRow(database.db, row.id)).toMatchObject({
      name: "Maya R. Patel",
      timeZone: "Europe/London",
      version: row.version + 1,
    });
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "users",
      recordPk: String(row.id),
      actorType: "portal",
      actorLabel: "Portal",
      actorUserId: row.id,
      actorDetail: `${row.name} <${row.email}>`,
      channel: "portal",
      accountId: account.id,
      ip: REQUEST.ip,
      message: `Changed name, time zone of portal user Maya R. Patel <${row.email}>`,
    });
    expect(entry.before).toMatchObject({ name: row.name, timeZone: "UTC" });
    expect(entry.after).toMatchObject({ name: "Maya R. Patel", timeZone: "Europe/London" });
  });

  it("names old and new value when only the name changes", async () => {
    const { row, user } = await newPortalUser();
    await runAs(database.db, updateProfileOperation, user, {
      name: "Renamed Person",
      timeZone: "UTC",
    });
    expect((await lastEntry()).message).toBe(
      `Changed name of portal user Renamed Person <${row.email}> from ${row.name} to Renamed Person`,
    );
  });

  it("accepts UTC, which the runtime's zone list leaves out", async () => {
    const { row, user } = await newPortalUser();
    await runAs(database.db, updateProfileOperation, user, {
      name: row.name,
      timeZone: "Asia/Tokyo",
    });
    const result = await runAs(database.db, updateProfileOperation, user, {
      name: row.name,
      timeZone: "UTC",
    });
    expect(result.status).toBe("ok");
    expect((await findUserRow(database.db, row.id)).timeZone).toBe("UTC");
  });

  it("accepts a zone the runtime lists under another name, refuses offsets", async () => {
    const { row, user } = await newPortalUser();
    const kolkata = await runAs(database.db, updateProfileOperation, user, {
      name: row.name,
      timeZone: "Asia/Kolkata",
    });
    expect(kolkata.status).toBe("ok");
    expect((await findUserRow(database.db, row.id)).timeZone).toBe("Asia/Kolkata");
    for (const timeZone of ["+05:30", "EST5EDT", "Asia/Nowhere"]) {
      const result = await runAs(database.db, updateProfileOperation, user, {
        name: row.name,
        timeZone,
      });
      expect(result, timeZone).toMatchObject({ fieldErrors: { timeZone: [expect.any(String)] } });
    }
  });

  it("writes nothing for a save without changes", async () => {
    const { row, user } = await newPortalUser();
    const before = await counts(database.db);
    const result = await runAs(database.db, updateProfileOperation, user, {
      name: row.name,
      timeZone: row.timeZone,
    });
    expect(result).toMatchObject({ status: "ok", message: "No changes to save." });
    expect(await counts(database.db)).toEqual(before);
  });

  it.each([
    ["an empty name", { name: "   ", timeZone: "UTC" }, ["name"]],
    ["a 101-character name", { name: "x".repeat(101), timeZone: "UTC" }, ["name"]],
    ["an unknown time zone", { name: "Fine", timeZone: "Mars/Olympus_Mons" }, ["timeZone"]],
    ["a missing time zone", { name: "Fine" }, ["timeZone"]],
    ["both wrong", { name: "", timeZone: "Nowhere" }, ["name", "timeZone"]],
  ])("returns field errors for %s and changes nothing", async (_label, raw, fields) => {
    const { row, user } = await newPortalUser();
    const before = await counts(database.db);
    const result = await runAs(database.db, updateProfileOperation, user, raw);
    expect(result.status).toBe("error");
    const errors = result.status === "error" ? result.fieldErrors : undefined;
    expect(Object.keys(errors ?? {}).sort()).toEqual(fields);
    expect(await findUserRow(database.db, row.id)).toEqual(row);
    expect(await counts(database.db)).toEqual(before);
  });

  it("accepts exactly 100 characters", async () => {
    const { row, user } = await newPortalUser();
    const name = "n".repeat(100);
    const result = await runAs(database.db, updateProfileOperation, user, {
      name,
      timeZone: "UTC",
    });
    expect(result.status).toBe("ok");
    expect((await findUserRow(database.db, row.id)).name).toBe(name);
  });

  it("changes only the signed-in user's row, whatever the form says", async () => {
    const { row, user } = await newPortalUser();
    const { row: other } = await newPortalUser();
    await runAs(database.db, updateProfileOperation, user, {
      id: other.id,
      userId: other.id,
      name: "Self Only",
      timeZone: "UTC",
    });
    expect((await findUserRow(database.db, row.id)).name).toBe("Self Only");
    expect(await findUserRow(database.db, other.id)).toEqual(other);
  });
});

describe("password", () => {
  const NEW = "a brand new password";

  it("refuses a wrong current password on that field and changes nothing", async () => {
    const { row, user } = await newPortalUser();
    const before = await counts(database.db);
    const result = await runAs(database.db, changePortalPasswordOperation, user, {
      currentPassword: "not my password",
      newPassword: NEW,
      confirmPassword: NEW,
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { currentPassword: ["That is not your current password."] },
    });
    // Passwords are never echoed back into the form.
    expect(JSON.stringify(result)).not.toContain(NEW);
    expect(JSON.stringify(result)).not.toContain("not my password");
    expect(await findUserRow(database.db, row.id)).toEqual(row);
    expect(await counts(database.db)).toEqual(before);
  });

  it("replaces the hash with the right current password, redacted in the entry", async () => {
    const { account, row, user } = await newPortalUser();
    const result = await runAs(database.db, changePortalPasswordOperation, user, {
      currentPassword: PASSWORD,
      newPassword: NEW,
      confirmPassword: NEW,
    });
    expect(result).toMatchObject({
      status: "ok",
      message: "Password changed. Your other sessions were signed out.",
    });
    const after = await findUserRow(database.db, row.id);
    expect(after.passwordHash).not.toBe(row.passwordHash);
    expect(await verifyPassword(after.passwordHash, NEW)).toBe(true);
    expect(await verifyPassword(after.passwordHash, PASSWORD)).toBe(false);

    const entry = await lastEntry();
    expect(entry).toMatchObject({
      action: "UPDATE",
      tableName: "users",
      actorType: "portal",
      actorLabel: "Portal",
      accountId: account.id,
      message: `Changed own password of portal user ${row.name} <${row.email}>`,
    });
    const stored = JSON.stringify(entry);
    expect(stored).not.toContain(after.passwordHash!);
    expect(stored).not.toContain(row.passwordHash!);
    expect(stored).not.toContain(NEW);
  });

  it.each([
    ["a short new password", { newPassword: "short", confirmPassword: "short" }, "newPassword"],
    [
      "a confirmation that differs",
      { newPassword: NEW, confirmPassword: `${NEW}!` },
      "confirmPassword",
    ],
  ])("refuses %s before checking anything", async (_label, raw, field) => {
    const { row, user } = await newPortalUser();
    const before = await counts(database.db);
    const result = await runAs(database.db, changePortalPasswordOperation, user, {
      currentPassword: PASSWORD,
      ...raw,
    });
    expect(result).toMatchObject({
      status: "error",
      fieldErrors: { [field]: [expect.any(String)] },
    });
    expect(await findUserRow(database.db, row.id)).toEqual(row);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe("who may call the profile actions", () => {
  it.each(["admin", "support", "auditor", "branding"] as const)(
    "refuses staff (%s) and changes nothing",
    async (role) => {
      const staff = await insertTestUser(database.db, { role, password: PASSWORD });
      const before = await counts(database.db);
      const refused = { status: "error", error: "Your role does not allow this action." };
      expect(
        await runAs(database.db, updateProfileOperation, asCurrent(staff), {
          name: "Staff Via Portal",
          timeZone: "UTC",
        }),
      ).toEqual(refused);
      expect(
        await runAs(database.db, changePortalPasswordOperation, asCurrent(staff), {
          currentPassword: PASSWORD,
          newPassword: "a brand new password",
          confirmPassword: "a brand new password",
        }),
      ).toEqual(refused);
      expect(await findUserRow(database.db, staff.id)).toEqual(staff);
      expect(await counts(database.db)).toEqual(before);
    },
  );

  it("refuses a signed-out request", async () => {
    const result = await runAs(database.db, updateProfileOperation, null, {
      name: "Nobody",
      timeZone: "UTC",
    });
    expect(result).toEqual({ status: "error", error: "Your session has ended. Sign in again." });
  });

  it("lets a carrier's user edit their profile too", async () => {
    const carrier = await insertTestAccount(database.db, "carrier");
    const row = await insertTestPortalUser(database.db, carrier);
    const result = await runAs(database.db, updateProfileOperation, asCurrent(row), {
      name: "Carrier NOC",
      timeZone: "Europe/Stockholm",
    });
    expect(result.status).toBe("ok");
    expect((await lastEntry()).accountId).toBe(carrier.id);
  });
});

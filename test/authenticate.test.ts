import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, loginAttempts, users, userSessions } from "@/db/schema";
import { authenticate } from "@/lib/auth/authenticate";
import type { RequestContext } from "@/lib/http/request-context";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";

const database = setUpTestDatabase();

const PASSWORD = "correct horse battery";
let ipCounter = 0;
/** A fresh client address per test, so throttling in one test never leaks into another. */
const freshRequest = (): RequestContext => ({
  ip: `198.51.100.${++ipCounter}`,
  userAgent: "Mozilla/5.0 (vitest)",
  requestId: `req-${ipCounter}`,
});

const lastLogin = async () => {
  const [row] = await database.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, "LOGIN"))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row!;
};

describe("authenticate", () => {
  it("signs a staff user in and writes a LOGIN entry with IP and user agent", async () => {
    const user = await insertTestUser(database.db, { role: "admin", password: PASSWORD });
    const req = freshRequest();
    const result = await authenticate(
      database.db,
      { email: user.email.toUpperCase(), password: PASSWORD },
      req,
    );
    expect(result).toMatchObject({
      ok: true,
      user: { id: user.id, role: "admin", accountId: null },
    });
    const entry = await lastLogin();
    expect(entry).toMatchObject({
      action: "LOGIN",
      tableName: "users",
      recordPk: String(user.id),
      actorType: "user",
      actorUserId: user.id,
      actorLabel: user.name,
      ip: req.ip,
      userAgent: req.userAgent,
      channel: "control_panel",
    });
    expect(entry.message).toContain("Signed in");
    // The sign-in opens a session and leaves the users row as it was: no open form goes stale.
    const [after] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(after!.version).toBe(user.version);
    expect(after!.updatedAt).toEqual(user.updatedAt);
    expect(entry.before).toBeNull();
    expect(entry.after).toBeNull();
    if (!result.ok) throw new Error("expected a sign-in");
    const [session] = await database.db
      .select()
      .from(userSessions)
      .where(eq(userSessions.id, result.sessionId));
    expect(session).toMatchObject({ userId: user.id, ip: req.ip, userAgent: req.userAgent });
    expect(session!.endedAt).toBeNull();
  });

  it("records a portal user's sign-in as Portal, on their account", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const user = await insertTestUser(database.db, {
      role: "customer",
      accountId: account.id,
      password: PASSWORD,
    });
    await authenticate(database.db, { email: user.email, password: PASSWORD }, freshRequest());
    const entry = await lastLogin();
    expect(entry).toMatchObject({
      actorType: "portal",
      actorLabel: "Portal",
      actorDetail: `${user.name} <${user.email}>`,
      channel: "portal",
      accountId: account.id,
    });
  });

  it("refuses a wrong password and records the failure without the password", async () => {
    const user = await insertTestUser(database.db, { password: PASSWORD });
    const req = freshRequest();
    const result = await authenticate(
      database.db,
      { email: user.email, password: "hunter2-wrong" },
      req,
    );
    expect(result).toEqual({ ok: false, reason: "invalid" });
    const entry = await lastLogin();
    expect(entry.message).toBe(`Failed sign-in for ${user.email}: wrong email or password`);
    expect(entry).toMatchObject({ recordPk: String(user.id), ip: req.ip, actorUserId: null });
    expect(JSON.stringify(entry)).not.toContain("hunter2-wrong");
  });

  it("records an unknown email's failure with no record and no account", async () => {
    const result = await authenticate(
      database.db,
      { email: "nobody@example.test", password: "whatever" },
      freshRequest(),
    );
    expect(result).toEqual({ ok: false, reason: "invalid" });
    const entry = await lastLogin();
    expect(entry).toMatchObject({
      recordPk: null,
      accountId: null,
      actorLabel: "nobody@example.test",
    });
  });

  it("refuses a disabled user even with the right password", async () => {
    const user = await insertTestUser(database.db, { password: PASSWORD, status: "disabled" });
    const result = await authenticate(
      database.db,
      { email: user.email, password: PASSWORD },
      freshRequest(),
    );
    expect(result).toEqual({ ok: false, reason: "disabled" });
    expect((await lastLogin()).message).toContain("user is not active");
  });

  it("locks an email-and-IP pair after 5 failures, even for the right password", async () => {
    const user = await insertTestUser(database.db, { password: PASSWORD });
    const req = freshRequest();
    for (let i = 0; i < 5; i++) {
      expect(
        await authenticate(database.db, { email: user.email, password: `wrong-${i}` }, req),
      ).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    const locked = await authenticate(database.db, { email: user.email, password: PASSWORD }, req);
    expect(locked).toMatchObject({ ok: false, reason: "throttled" });
    expect((await lastLogin()).message).toContain("too many failed attempts");

    // The same user from another address, and another user from the same address, still get in.
    expect(
      await authenticate(database.db, { email: user.email, password: PASSWORD }, freshRequest()),
    ).toMatchObject({
      ok: true,
    });
    const colleague = await insertTestUser(database.db, { password: PASSWORD });
    expect(
      await authenticate(database.db, { email: colleague.email, password: PASSWORD }, req),
    ).toMatchObject({
      ok: true,
    });
  });

  it("locks an IP after many failures across emails", async () => {
    const req = freshRequest();
    for (let i = 0; i < 50; i++) {
      await authenticate(database.db, { email: `spray-${i}@example.test`, password: "x" }, req);
    }
    const user = await insertTestUser(database.db, { password: PASSWORD });
    expect(
      await authenticate(database.db, { email: user.email, password: PASSWORD }, req),
    ).toMatchObject({
      ok: false,
      reason: "throttled",
    });
  });

  it("counts a malformed sign-in as a failure, with a failed LOGIN entry and no password", async () => {
    const req = freshRequest();
    const inputs: unknown[] = [
      null,
      {},
      { email: "not-an-email", password: "hunter2-secret" },
      { email: "a@b.co", password: "" },
      { email: ["x@example.test"], password: 42 },
      { email: `evil\u0000\n${"x".repeat(400)}@example.test`, password: "p" },
    ];
    for (const input of inputs) {
      expect(await authenticate(database.db, input, req)).toEqual({ ok: false, reason: "invalid" });
    }
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "LOGIN"), eq(auditLog.ip, req.ip!)))
      .orderBy(auditLog.id);
    expect(entries.map((e) => e.message)).toEqual([
      "Failed sign-in for (no email): missing or invalid email or password",
      "Failed sign-in for (no email): missing or invalid email or password",
      "Failed sign-in for not-an-email: missing or invalid email or password",
      "Failed sign-in for a@b.co: missing or invalid email or password",
      "Failed sign-in for (no email): missing or invalid email or password",
      `Failed sign-in for evil${"x".repeat(250)}: missing or invalid email or password`,
    ]);
    expect(JSON.stringify(entries)).not.toContain("hunter2-secret");
    expect(entries.every((e) => e.recordPk === null && e.accountId === null)).toBe(true);
    const attempts = await database.db
      .select()
      .from(loginAttempts)
      .where(eq(loginAttempts.ip, req.ip!));
    expect(attempts.map((a) => a.outcome)).toEqual(inputs.map(() => "invalid"));
  });

  it("throttles malformed sign-ins like wrong passwords", async () => {
    const req = freshRequest();
    for (let i = 0; i < 5; i++) {
      await authenticate(database.db, { email: "victim@example.test", password: "" }, req);
    }
    expect(
      await authenticate(database.db, { email: "victim@example.test", password: "x" }, req),
    ).toMatchObject({ ok: false, reason: "throttled" });
  });
});

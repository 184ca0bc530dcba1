import { and, desc, eq, like, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  appSettings,
  auditLog,
  loginAttempts,
  userRecoveryCodes,
  userRememberedDevices,
  users,
  userSessions,
} from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { authenticate } from "@/lib/auth/authenticate";
import { landingAfterSignIn } from "@/lib/totp/landing";
import { TWO_FACTOR_PATH } from "@/lib/totp/paths";
import type { RequestContext } from "@/lib/http/request-context";
import { newDeviceToken, totpCode, verifyTotp } from "@/lib/totp/codes";
import { isRememberedDevice, MAX_DEVICES, rememberDevice } from "@/lib/totp/devices";
import {
  enrolTotpOperation,
  regenerateRecoveryCodesOperation,
  removeTotpOperation,
  startEnrolment,
} from "@/lib/totp/enrolment";
import { resetTotpOperation } from "@/lib/totp/reset";
import { completeSecondFactor } from "@/lib/totp/sign-in";
import { readTicket, signTicket } from "@/lib/totp/ticket";
import { setUpTestDatabase } from "./db";
import { insertTestUser } from "./factories";
import { asCurrent, runAs } from "./run-action";

process.env.AUTH_SECRET ??= "test-secret-for-totp-tickets-0123456789";

const database = setUpTestDatabase();
const PASSWORD = "correct horse battery";

let ipCounter = 0;
const freshRequest = (): RequestContext => ({
  ip: `203.0.113.${++ipCounter}`,
  userAgent: "Mozilla/5.0 (vitest)",
  requestId: `req-totp-${ipCounter}`,
});

/** A user with two-factor sign-in on, enrolled through the operation as the page does it. */
async function enrolledUser(role: "admin" | "support" = "support") {
  const user = await insertTestUser(database.db, { role, password: PASSWORD });
  const { secret, ticket } = startEnrolment(user.id);
  const result = await runAs(database.db, enrolTotpOperation, asCurrent(user), {
    enrolment: ticket,
    code: totpCode(secret),
  });
  if (result.status !== "ok") throw new Error(`enrolment failed: ${JSON.stringify(result)}`);
  const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
  return { user: row!, secret, codes: result.data };
}

async function passwordStep(email: string, req: RequestContext, device?: string) {
  const result = await authenticate(database.db, { email, password: PASSWORD }, req, {
    rememberedDevice: device,
  });
  if (result.ok || result.reason !== "second_factor") {
    throw new Error(`expected the code step, got ${JSON.stringify(result)}`);
  }
  return result.ticket;
}

const entriesFor = (userId: number) =>
  database.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.recordPk, String(userId)))
    .orderBy(desc(auditLog.id));

const sessionsOf = async (userId: number) =>
  (await database.db.select().from(userSessions).where(eq(userSessions.userId, userId))).length;

describe("TOTP codes (RFC 6238, fixed time)", () => {
  // RFC 6238 appendix B's SHA-1 key, "12345678901234567890", in base32.
  const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  it("computes the RFC's vectors (last 6 digits)", () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe("287082");
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe("081804");
    expect(totpCode(RFC_SECRET, 2_000_000_000_000)).toBe("279037");
  });

  it("accepts the code of the step before and after, and nothing further", () => {
    const now = 1_700_000_015_000;
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now)).toBe(false);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 60_000), now)).toBe(false);
  });

  it("refuses anything that is not six digits", () => {
    const now = 1_700_000_015_000;
    const code = totpCode(RFC_SECRET, now);
    for (const bad of ["", `${code}0`, code.slice(1), ` ${code}`, "abcdef"]) {
      expect(verifyTotp(RFC_SECRET, bad, now)).toBe(false);
    }
  });
});

describe("tickets", () => {
  it("expire, and one purpose's ticket is refused for the other", () => {
    const now = 1_700_000_000_000;
    const ticket = signTicket("second-factor", { uid: 5 }, 300, now);
    expect(readTicket("second-factor", ticket, now + 299_000)).toEqual({ uid: 5 });
    expect(readTicket("second-factor", ticket, now + 301_000)).toBeNull();
    expect(readTicket("enrolment", ticket, now)).toBeNull();
    const [body, sig] = ticket.split(".");
    const forged = Buffer.from(JSON.stringify({ uid: 6, exp: 9e9, n: "x" })).toString("base64url");
    expect(readTicket("second-factor", `${forged}.${sig}`, now)).toBeNull();
    expect(readTicket("second-factor", `${body}.${sig}x`, now)).toBeNull();
  });
});

describe("sign-in with a second factor", () => {
  it("opens no session after the password, and one after the right code", async () => {
    const { user, secret } = await enrolledUser();
    const req = freshRequest();
    const ticket = await passwordStep(user.email, req);
    expect(await sessionsOf(user.id)).toBe(0);
    const result = await completeSecondFactor(database.db, { ticket, code: totpCode(secret) }, req);
    expect(result).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await sessionsOf(user.id)).toBe(1);
    const [entry] = await entriesFor(user.id);
    expect(entry).toMatchObject({ action: "LOGIN", actorUserId: user.id });
    expect(entry!.message).toContain("with a two-factor code");
  });

  it("refuses a wrong code with a LOGIN entry and no session, and throttles guesses like passwords", async () => {
    const { user, secret } = await enrolledUser();
    const req = freshRequest();
    const ticket = await passwordStep(user.email, req);
    const wrong = totpCode(secret, Date.now() + 10 * 60_000);
    for (let i = 0; i < 5; i++) {
      const result = await completeSecondFactor(database.db, { ticket, code: wrong }, req);
      expect(result).toEqual({ ok: false, reason: "invalid" });
    }
    const [entry] = await entriesFor(user.id);
    expect(entry!.action).toBe("LOGIN");
    expect(entry!.message).toBe(
      `Failed sign-in for ${user.email}: wrong two-factor or recovery code`,
    );
    // The sixth try is throttled even with the right code: guesses cost as much as passwords.
    const right = await completeSecondFactor(database.db, { ticket, code: totpCode(secret) }, req);
    expect(right).toMatchObject({ ok: false, reason: "throttled" });
    expect(await sessionsOf(user.id)).toBe(0);
    // And so is the password step: the wrong codes count for the same email and address.
    const again = await authenticate(database.db, { email: user.email, password: PASSWORD }, req);
    expect(again).toMatchObject({ ok: false, reason: "throttled" });
    const attempts = await database.db
      .select({ outcome: loginAttempts.outcome })
      .from(loginAttempts)
      .where(eq(loginAttempts.ip, req.ip!));
    expect(attempts.filter((a) => a.outcome === "invalid")).toHaveLength(5);
  });

  it("a password step that asks for the code does not reset the count of wrong codes", async () => {
    const { user, secret } = await enrolledUser();
    const req = freshRequest();
    const wrong = totpCode(secret, Date.now() + 10 * 60_000);
    for (let i = 0; i < 5; i++) {
      const ticket = await passwordStep(user.email, req);
      await completeSecondFactor(database.db, { ticket, code: wrong }, req);
    }
    const result = await authenticate(database.db, { email: user.email, password: PASSWORD }, req);
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("takes a code once: the same code (or an older one) again is refused", async () => {
    const { user, secret } = await enrolledUser();
    const req = freshRequest();
    const now = Date.now();
    const code = totpCode(secret, now);
    const first = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code },
      req,
      now,
    );
    expect(first.ok).toBe(true);
    const replay = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code },
      req,
      now,
    );
    expect(replay).toEqual({ ok: false, reason: "invalid" });
    const older = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code: totpCode(secret, now - 30_000) },
      req,
      now,
    );
    expect(older).toEqual({ ok: false, reason: "invalid" });
    const next = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code: totpCode(secret, now + 30_000) },
      req,
      now,
    );
    expect(next.ok).toBe(true);
    expect(await sessionsOf(user.id)).toBe(2);
  });

  it("refuses a missing, forged or expired ticket without a session", async () => {
    const { user, secret } = await enrolledUser();
    const req = freshRequest();
    const code = totpCode(secret);
    const forged = signTicket("enrolment", { uid: user.id }, 300);
    const expired = signTicket("second-factor", { uid: user.id }, -1);
    for (const ticket of ["", forged, expired, "x.y"]) {
      const result = await completeSecondFactor(database.db, { ticket, code }, req);
      expect(result).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it("takes a recovery code once", async () => {
    const { user, codes } = await enrolledUser();
    expect(codes).toHaveLength(10);
    const req = freshRequest();
    const code = codes[3]!;
    const first = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code: code.toUpperCase() },
      req,
    );
    expect(first).toMatchObject({ ok: true });
    const [entry] = await entriesFor(user.id);
    expect(entry!.message).toContain("with a recovery code (9 left)");
    const second = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code },
      req,
    );
    expect(second).toEqual({ ok: false, reason: "invalid" });
    expect(await sessionsOf(user.id)).toBe(1);
    // Stored hashed: no row holds the code itself.
    const rows = await database.db
      .select()
      .from(userRecoveryCodes)
      .where(eq(userRecoveryCodes.userId, user.id));
    expect(rows).toHaveLength(10);
    expect(JSON.stringify(rows)).not.toContain(code.replace(/-/g, ""));
    expect(rows.filter((r) => r.usedAt !== null)).toHaveLength(1);
  });

  it("a remembered device skips the code, until it expires", async () => {
    const { user, secret } = await enrolledUser();
    const req = freshRequest();
    const token = newDeviceToken();
    const done = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code: totpCode(secret), rememberToken: token },
      req,
    );
    expect(done.ok).toBe(true);
    const direct = await authenticate(database.db, { email: user.email, password: PASSWORD }, req, {
      rememberedDevice: token,
    });
    expect(direct).toMatchObject({ ok: true });
    // Another user's token, or none, does not.
    await passwordStep(user.email, req, newDeviceToken());
    await database.db
      .update(userRememberedDevices)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(userRememberedDevices.userId, user.id));
    expect(await isRememberedDevice(database.db, user.id, token)).toBe(false);
    await passwordStep(user.email, req, token);
  });

  it(`remembers at most ${MAX_DEVICES} devices per user, forgetting the oldest`, async () => {
    const user = await insertTestUser(database.db);
    const tokens = Array.from({ length: MAX_DEVICES + 2 }, newDeviceToken);
    for (const token of tokens) await rememberDevice(database.db, user.id, token, null);
    const rows = await database.db
      .select()
      .from(userRememberedDevices)
      .where(eq(userRememberedDevices.userId, user.id));
    expect(rows).toHaveLength(MAX_DEVICES);
    expect(await isRememberedDevice(database.db, user.id, tokens.at(-1))).toBe(true);
    expect(await isRememberedDevice(database.db, user.id, tokens[0])).toBe(false);
  });
});

describe("enrolment, removal and reset", () => {
  it("audits enrolment as an UPDATE of users that never holds the secret or codes", async () => {
    const { user, secret, codes } = await enrolledUser();
    expect(user.totpSecret).toBe(secret);
    expect(user.totpEnabledAt).not.toBeNull();
    const [entry] = await entriesFor(user.id);
    expect(entry).toMatchObject({ action: "UPDATE", tableName: "users" });
    expect(entry!.message).toContain("Turned on two-factor sign-in");
    const text = JSON.stringify(entry);
    expect(text).not.toContain(secret);
    for (const code of codes) expect(text).not.toContain(code);
    // The entry says the secret changed, never what it is.
    expect(entry!.before).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(entry!.after).toMatchObject({ totpSecret: "[redacted: changed]" });
    expect(entry!.after!.totpEnabledAt).not.toBeNull();
  });

  it("refuses a wrong enrolment code, another user's setup, and changes nothing", async () => {
    const user = await insertTestUser(database.db);
    const other = await insertTestUser(database.db);
    const { secret, ticket } = startEnrolment(user.id);
    const wrong = await runAs(database.db, enrolTotpOperation, asCurrent(user), {
      enrolment: ticket,
      code: totpCode(secret, Date.now() + 10 * 60_000),
    });
    expect(wrong).toMatchObject({ status: "error", fieldErrors: { code: [expect.any(String)] } });
    const stolen = await runAs(database.db, enrolTotpOperation, asCurrent(other), {
      enrolment: ticket,
      code: totpCode(secret),
    });
    expect(stolen).toMatchObject({ status: "error" });
    const malformed = await runAs(database.db, enrolTotpOperation, asCurrent(user), {
      enrolment: ticket,
      code: "12ab",
    });
    expect(malformed).toMatchObject({
      status: "error",
      fieldErrors: { code: [expect.any(String)] },
    });
    const rows = await database.db
      .select({ at: users.totpEnabledAt, secret: users.totpSecret })
      .from(users)
      .where(sql`${users.id} in (${user.id}, ${other.id})`);
    expect(rows).toEqual([
      { at: null, secret: null },
      { at: null, secret: null },
    ]);
    expect((await entriesFor(user.id)).filter((e) => e.action === "UPDATE")).toHaveLength(0);
  });

  it("removes with a current code or the password, not with neither or a wrong one", async () => {
    const { user, secret } = await enrolledUser();
    const me = asCurrent(user);
    expect(await runAs(database.db, removeTotpOperation, me, {})).toMatchObject({
      status: "error",
    });
    expect(
      await runAs(database.db, removeTotpOperation, me, { code: "", password: "wrong" }),
    ).toMatchObject({ status: "error", fieldErrors: { password: [expect.any(String)] } });
    const [still] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(still!.totpEnabledAt).not.toBeNull();
    const ok = await runAs(database.db, removeTotpOperation, me, { code: totpCode(secret) });
    expect(ok).toMatchObject({ status: "ok" });
    const [after] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    const [entry] = await entriesFor(user.id);
    expect(entry!.message).toContain("Turned off two-factor sign-in");
    expect(JSON.stringify(entry)).not.toContain(secret);
    const codes = await database.db
      .select()
      .from(userRecoveryCodes)
      .where(eq(userRecoveryCodes.userId, user.id));
    expect(codes).toHaveLength(0);
    // Signing in needs the password only again.
    const signIn = await authenticate(
      database.db,
      { email: user.email, password: PASSWORD },
      freshRequest(),
    );
    expect(signIn).toMatchObject({ ok: true });
  });

  it("renews recovery codes: the old ones stop working", async () => {
    const { user, secret, codes } = await enrolledUser();
    const renewed = await runAs(database.db, regenerateRecoveryCodesOperation, asCurrent(user), {
      code: totpCode(secret),
    });
    if (renewed.status !== "ok") throw new Error("renewal failed");
    expect(renewed.data).toHaveLength(10);
    expect(renewed.data).not.toContain(codes[0]);
    const req = freshRequest();
    const old = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code: codes[0]! },
      req,
    );
    expect(old.ok).toBe(false);
    const fresh = await completeSecondFactor(
      database.db,
      { ticket: await passwordStep(user.email, req), code: renewed.data[0]! },
      req,
    );
    expect(fresh.ok).toBe(true);
  });

  it("an admin resets another user's second factor, audited", async () => {
    const admin = await insertTestUser(database.db, { role: "admin" });
    const { user, secret } = await enrolledUser();
    const devices = newDeviceToken();
    await rememberDevice(database.db, user.id, devices, null);
    const result = await runAs(database.db, resetTotpOperation, asCurrent(admin), {
      userId: String(user.id),
    });
    expect(result).toMatchObject({ status: "ok" });
    const [after] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(await isRememberedDevice(database.db, user.id, devices)).toBe(false);
    const [entry] = await entriesFor(user.id);
    expect(entry).toMatchObject({ action: "UPDATE", actorUserId: admin.id });
    expect(entry!.message).toContain("Reset two-factor sign-in of user");
    expect(JSON.stringify(entry)).not.toContain(secret);
  });

  it("refuses a reset by a non-admin, of oneself, or of an unknown user, changing nothing", async () => {
    const { user } = await enrolledUser("admin");
    const before = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(like(auditLog.message, "Reset two-factor%"));
    for (const role of ["support", "auditor", "branding"] as const) {
      const other = await insertTestUser(database.db, { role });
      const refused = await runAs(database.db, resetTotpOperation, asCurrent(other), {
        userId: user.id,
      });
      expect(refused).toMatchObject({
        status: "error",
        error: "Your role does not allow this action.",
      });
    }
    const self = await runAs(database.db, resetTotpOperation, asCurrent(user), { userId: user.id });
    expect(self).toMatchObject({ status: "error" });
    const admin = await insertTestUser(database.db, { role: "admin" });
    const missing = await runAs(database.db, resetTotpOperation, asCurrent(admin), {
      userId: 999_999,
    });
    expect(missing).toMatchObject({ status: "error" });
    const bad = await runAs(database.db, resetTotpOperation, asCurrent(admin), { userId: "x" });
    expect(bad).toMatchObject({ status: "error", fieldErrors: { userId: [expect.any(String)] } });
    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.totpEnabledAt).not.toBeNull();
    const after = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(like(auditLog.message, "Reset two-factor%")));
    expect(after).toEqual(before);
  });
});

describe("admins while the operator requires a second factor", () => {
  async function setRequired(on: boolean) {
    const [row] = await database.db
      .select()
      .from(appSettings)
      .where(eq(appSettings.key, "admin_totp_required"));
    await auditedMutation(database.db, systemActor("test"), {
      table: "app_settings",
      action: row ? "UPDATE" : "CREATE",
      id: row ? "admin_totp_required" : undefined,
      change: async (tx) => {
        if (row) {
          await tx
            .update(appSettings)
            .set({ value: on })
            .where(eq(appSettings.key, "admin_totp_required"));
          return;
        }
        await tx.insert(appSettings).values({ key: "admin_totp_required", value: on });
        return "admin_totp_required";
      },
    });
  }

  it("sends an admin without one to enrolment, and no one else", async () => {
    const admin = await insertTestUser(database.db, { role: "admin" });
    const support = await insertTestUser(database.db, { role: "support" });
    const { user: enrolledAdmin } = await enrolledUser("admin");
    const land = (id: number) => landingAfterSignIn(database.db, { id }, "/users");
    expect(await land(admin.id)).toBe("/users");
    await setRequired(true);
    try {
      expect(await land(admin.id)).toBe(TWO_FACTOR_PATH);
      expect(await land(support.id)).toBe("/users");
      expect(await land(enrolledAdmin.id)).toBe("/users");
    } finally {
      await setRequired(false);
    }
    expect(await land(admin.id)).toBe("/users");
  });
});

import { changeRoleOperation } from "@/lib/users/change-role";
import { sendPasswordResetOperation } from "@/lib/users/send-password-reset";
import { setUserStatusOperation } from "@/lib/users/set-user-status";
import {
  changeOwnPasswordOperation,
  changePortalPasswordOperation,
} from "@/lib/users/change-password";
import { signOutOtherSessionsOperation } from "@/lib/profile/sign-out-other-sessions";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, users, userSessions } from "@/db/schema";
import { authenticate } from "@/lib/auth/authenticate";
import type { CurrentUser } from "@/lib/auth/session";
import {
  checkSession,
  findSessionUser,
  listOpenSessions,
  openSession,
  type SessionLimits,
} from "@/lib/auth/user-sessions";
import { readConfig } from "@/lib/config";
import { findUser } from "@/lib/users/queries";
import { setPasswordWithToken } from "@/lib/users/set-password-with-token";
import { setUpTestDatabase } from "./db";
import { insertTestAccount, insertTestUser } from "./factories";
import { asCurrent, REQUEST, runAs } from "./run-action";

/** The session rules behind "sessions that end": what opens, checks, and ends them. */

const database = setUpTestDatabase();
let admin: CurrentUser;
beforeAll(async () => {
  admin = asCurrent(await insertTestUser(database.db, { role: "admin" }));
});

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a different long password";
const LIMITS: SessionLimits = { maxAgeHours: 12, idleMinutes: 30 };
let ipCounter = 0;
const request = () => ({
  ip: `192.0.2.${++ipCounter}`,
  userAgent: "Mozilla/5.0 (vitest)",
  requestId: `req-sessions-${ipCounter}`,
});

const env = (vars: Record<string, string>) => ({ NODE_ENV: "test", ...vars }) as NodeJS.ProcessEnv;

/** Signs `email` in as the login form does, returning the session id the cookie would carry. */
async function signIn(email: string, password = PASSWORD): Promise<string> {
  const result = await authenticate(database.db, { email, password }, request());
  if (!result.ok) throw new Error(`sign-in refused: ${result.reason}`);
  return result.sessionId;
}

const works = (sessionId: string, userId: number) =>
  checkSession(database.db, sessionId, userId, LIMITS);

async function sessionRow(id: string) {
  const [row] = await database.db.select().from(userSessions).where(eq(userSessions.id, id));
  return row!;
}

/** Moves a session's clock back, as if it had been opened or last used that long ago. */
async function age(id: string, column: "created_at" | "last_seen_at", minutes: number) {
  await database.db.execute(
    sql`update user_sessions set ${sql.identifier(column)} = now() - make_interval(secs => ${minutes * 60})
        where id = ${id}`,
  );
}

/** A user signed in twice (two browsers, or a browser and a copied cookie's thief). */
async function twoSessions(options: Parameters<typeof insertTestUser>[1] = {}) {
  const user = await insertTestUser(database.db, { password: PASSWORD, ...options });
  const a = await signIn(user.email);
  const b = await signIn(user.email);
  expect(await works(a, user.id)).toBe(true);
  expect(await works(b, user.id)).toBe(true);
  return { user, a, b };
}

// The sign-in check of /api/auth/session (checkSession) and of every page, action and handler
// (findSessionUser, the session with its user in one statement) must agree on every case.
const readers = {
  checkSession: works,
  findSessionUser: async (sessionId: string, userId: number) =>
    (await findSessionUser(database.db, sessionId, userId, LIMITS))?.id === userId,
};

describe.each(Object.entries(readers))("a session read by %s", (_reader, works) => {
  it("is opened by a sign-in, belongs to its user only, and a forged id is nothing", async () => {
    const { user, a } = await twoSessions();
    const other = await insertTestUser(database.db);
    expect(await works(a, other.id)).toBe(false);
    expect(await works("not-a-uuid", user.id)).toBe(false);
    expect(await works("00000000-0000-4000-8000-000000000000", user.id)).toBe(false);
    expect(await sessionRow(a)).toMatchObject({ userId: user.id, endedAt: null });
  });

  it("ends at its absolute lifetime however busy it is", async () => {
    const { user, a, b } = await twoSessions();
    await age(a, "created_at", 12 * 60 + 1);
    expect(await works(a, user.id)).toBe(false);
    expect(await sessionRow(a)).toMatchObject({ endReason: "expired" });
    await age(b, "created_at", 12 * 60 - 5);
    expect(await works(b, user.id)).toBe(true);
  });

  it("ends after the idle timeout, and stays ended when the clock is put right", async () => {
    const { user, a, b } = await twoSessions();
    await age(a, "last_seen_at", 31);
    expect(await works(a, user.id)).toBe(false);
    expect(await sessionRow(a)).toMatchObject({ endReason: "idle" });
    await age(a, "last_seen_at", 0);
    expect(await works(a, user.id)).toBe(false);
    await age(b, "last_seen_at", 29);
    expect(await works(b, user.id)).toBe(true);
  });

  it("is marked seen at most once a minute", async () => {
    const { user, a } = await twoSessions();
    await age(a, "last_seen_at", 0.5);
    const before = (await sessionRow(a)).lastSeenAt;
    expect(await works(a, user.id)).toBe(true);
    expect((await sessionRow(a)).lastSeenAt).toEqual(before);
    await age(a, "last_seen_at", 2);
    const stale = (await sessionRow(a)).lastSeenAt;
    expect(await works(a, user.id)).toBe(true);
    expect((await sessionRow(a)).lastSeenAt.getTime()).toBeGreaterThan(stale.getTime());
  });

  it("uses the configured limits, 12 hours and 30 minutes unless set", () => {
    expect(readConfig(env({}))).toMatchObject({
      SESSION_MAX_AGE_HOURS: 12,
      SESSION_IDLE_MINUTES: 30,
    });
    expect(
      readConfig(env({ SESSION_MAX_AGE_HOURS: "8", SESSION_IDLE_MINUTES: "15" })),
    ).toMatchObject({
      SESSION_MAX_AGE_HOURS: 8,
      SESSION_IDLE_MINUTES: 15,
    });
    expect(() => readConfig(env({ SESSION_IDLE_MINUTES: "0" }))).toThrow(/SESSION_IDLE_MINUTES/);
  });
});

describe("what ends all of a user's sessions", () => {
  it("changing one's own password (portal): every session, this one too", async () => {
    const account = await insertTestAccount(database.db, "customer");
    const { user, a, b } = await twoSessions({ role: "customer", accountId: account.id });
    const result = await runAs(
      database.db,
      changePortalPasswordOperation,
      { ...asCurrent(user), sessionId: a },
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
    );
    expect(result.status).toBe("ok");
    expect(await works(a, user.id)).toBe(false);
    expect(await works(b, user.id)).toBe(false);
    expect(await sessionRow(a)).toMatchObject({ endReason: "password_changed" });
    // The new password opens a new session, which works.
    expect(await works(await signIn(user.email, NEW_PASSWORD), user.id)).toBe(true);
  });

  it("changing one's own password (staff)", async () => {
    const { user, a, b } = await twoSessions({ role: "auditor" });
    const result = await runAs(
      database.db,
      changeOwnPasswordOperation,
      { ...asCurrent(user), sessionId: b },
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
    );
    expect(result.status).toBe("ok");
    expect(await works(a, user.id)).toBe(false);
    expect(await works(b, user.id)).toBe(false);
  });

  it("a wrong current password changes nothing and ends nothing", async () => {
    const { user, a, b } = await twoSessions({ role: "auditor" });
    const result = await runAs(
      database.db,
      changeOwnPasswordOperation,
      { ...asCurrent(user), sessionId: a },
      {
        currentPassword: "not it at all",
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
    );
    expect(result.status).toBe("error");
    expect(await works(a, user.id)).toBe(true);
    expect(await works(b, user.id)).toBe(true);
  });

  it("a password reset, when the new password is set through the link", async () => {
    const { user, a, b } = await twoSessions();
    const reset = sendPasswordResetOperation;
    expect((await runAs(database.db, reset, admin, { userId: user.id })).status).toBe("ok");
    const [mail] = await database.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toAddress, user.email))
      .orderBy(sql`id desc`)
      .limit(1);
    const token = /\/set-password\?token=([\w-]+)/.exec(mail!.bodyText)![1]!;
    await setPasswordWithToken(database.db, REQUEST, token, NEW_PASSWORD);
    expect(await works(a, user.id)).toBe(false);
    expect(await works(b, user.id)).toBe(false);
    expect(await sessionRow(b)).toMatchObject({ endReason: "password_reset" });
  });

  it("disabling the user, and enabling them again revives none", async () => {
    const { user, a, b } = await twoSessions();
    const disable = await runAs(database.db, setUserStatusOperation, admin, {
      userId: user.id,
      status: "disabled",
    });
    expect(disable.status).toBe("ok");
    expect(await sessionRow(a)).toMatchObject({ endReason: "disabled" });
    const enable = await runAs(database.db, setUserStatusOperation, admin, {
      userId: user.id,
      status: "active",
    });
    expect(enable.status).toBe("ok");
    expect(await works(a, user.id)).toBe(false);
    expect(await works(b, user.id)).toBe(false);
    expect(await works(await signIn(user.email), user.id)).toBe(true);
  });

  it("changing their role; a refused change ends nothing", async () => {
    const { user, a, b } = await twoSessions({ role: "support" });
    const same = await runAs(database.db, changeRoleOperation, admin, {
      userId: user.id,
      role: "support",
    });
    expect(same.status).toBe("error");
    expect(await works(a, user.id)).toBe(true);
    const result = await runAs(database.db, changeRoleOperation, admin, {
      userId: user.id,
      role: "auditor",
    });
    expect(result.status).toBe("ok");
    expect(await works(a, user.id)).toBe(false);
    expect(await works(b, user.id)).toBe(false);
    expect(await sessionRow(a)).toMatchObject({ endReason: "role_changed" });
  });

  it("leaves other users' sessions alone", async () => {
    const { user, a } = await twoSessions();
    const bystander = await twoSessions();
    await runAs(database.db, setUserStatusOperation, admin, {
      userId: user.id,
      status: "disabled",
    });
    expect(await works(a, user.id)).toBe(false);
    expect(await works(bystander.a, bystander.user.id)).toBe(true);
  });
});

describe("sign out other sessions", () => {
  it("ends the others and keeps this one; the list shows only what still works", async () => {
    const { user, a, b } = await twoSessions({ role: "branding" });
    const c = await signIn(user.email);
    await age(c, "last_seen_at", 45); // lapsed already: not listed, not counted
    const listed = await listOpenSessions(database.db, user.id, LIMITS);
    expect(listed.map((s) => s.id).sort()).toEqual([a, b].sort());

    const result = await runAs(
      database.db,
      signOutOtherSessionsOperation,
      { ...asCurrent(user), sessionId: a },
      {},
    );
    expect(result).toMatchObject({ status: "ok", data: 1 });
    expect(await works(a, user.id)).toBe(true);
    expect(await works(b, user.id)).toBe(false);
    expect(await sessionRow(b)).toMatchObject({ endReason: "signed_out_elsewhere" });
    expect((await listOpenSessions(database.db, user.id, LIMITS)).map((s) => s.id)).toEqual([a]);
  });

  it("is open to portal users too, and refuses a request without its own session", async () => {
    const account = await insertTestAccount(database.db, "carrier");
    const { user, a } = await twoSessions({ role: "carrier", accountId: account.id });
    const result = await runAs(database.db, signOutOtherSessionsOperation, asCurrent(user), {});
    expect(result.status).toBe("error");
    expect(await works(a, user.id)).toBe(true);
  });
});

describe("sign-in time", () => {
  it("is read from sessions, and a sign-in leaves the users row (and its version) alone", async () => {
    const user = await insertTestUser(database.db, { password: PASSWORD });
    expect((await findUser(database.db, user.id))!.lastSignInAt).toBeNull();
    const id = await openSession(database.db, user.id, request());
    await signIn(user.email);
    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.version).toBe(user.version);
    const shown = (await findUser(database.db, user.id))!.lastSignInAt;
    expect(shown).toBeInstanceOf(Date);
    expect(shown!.getTime()).toBeGreaterThanOrEqual((await sessionRow(id)).createdAt.getTime());
  });
});

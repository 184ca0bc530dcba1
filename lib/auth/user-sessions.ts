import { and, desc, eq, gt, isNull, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { users, userSessions, type SessionEndReason } from "@/db/schema";
import { readConfig } from "@/lib/config";
import type { RequestContext } from "@/lib/http/request-context";

/**
 * The rules of sign-in sessions: a session is open until it is ended (sign-out, a password,
 * status or role change), reaches its absolute lifetime, or sits idle too long. All times are the
 * database's clock, so every app instance agrees on them.
 */

export type SessionLimits = { maxAgeHours: number; idleMinutes: number };

function sessionLimits(): SessionLimits {
  const config = readConfig();
  return { maxAgeHours: config.SESSION_MAX_AGE_HOURS, idleMinutes: config.SESSION_IDLE_MINUTES };
}

/** last_seen_at moves at most this often: one write a minute per session, not one per request. */
const TOUCH_EVERY = sql`interval '1 minute'`;

const sessionIdSchema = z.uuid();

const expiredSql = (limits: SessionLimits) =>
  sql`${userSessions.createdAt} <= now() - make_interval(hours => ${limits.maxAgeHours})`;
const idleSql = (limits: SessionLimits) =>
  sql`${userSessions.lastSeenAt} <= now() - make_interval(mins => ${limits.idleMinutes})`;

/** Opens a session for a user who just signed in; returns its id, which the cookie will carry. */
export async function openSession(
  db: DbOrTx,
  userId: number,
  request: Pick<RequestContext, "ip" | "userAgent">,
): Promise<string> {
  const [row] = await db
    .insert(userSessions)
    .values({ userId, ip: request.ip, userAgent: request.userAgent })
    .returning({ id: userSessions.id });
  if (!row) throw new Error("session was not opened");
  return row.id;
}

/** What decides whether a session may still be used, read beside whatever else a caller needs. */
const sessionState = (limits: SessionLimits) => ({
  ended: sql<boolean>`${userSessions.endedAt} is not null`,
  expired: sql<boolean>`${expiredSql(limits)}`,
  idle: sql<boolean>`${idleSql(limits)}`,
  stale: sql<boolean>`${userSessions.lastSeenAt} < now() - ${TOUCH_EVERY}`,
});

/**
 * Whether a session read with `sessionState` is still open, and marks it seen. A session past its
 * lifetime or idle timeout is ended on the spot, so the profile's list never shows it open.
 */
async function stillOpen(
  db: DbOrTx,
  sessionId: string,
  state: { ended: boolean; expired: boolean; idle: boolean; stale: boolean },
  touch = true,
): Promise<boolean> {
  if (state.ended) return false;
  if (state.expired || state.idle) {
    await endSession(db, sessionId, state.expired ? "expired" : "idle");
    return false;
  }
  if (touch && state.stale) {
    await db
      .update(userSessions)
      .set({ lastSeenAt: sql`now()` })
      .where(and(eq(userSessions.id, sessionId), isNull(userSessions.endedAt)));
  }
  return true;
}

/** Whether the cookie's session may still be used by `userId` (and marks it seen). */
export async function checkSession(
  db: DbOrTx,
  sessionId: unknown,
  userId: number,
  limits: SessionLimits = sessionLimits(),
): Promise<boolean> {
  const id = sessionIdSchema.safeParse(sessionId);
  if (!id.success) return false;
  const [row] = await db
    .select(sessionState(limits))
    .from(userSessions)
    .where(and(eq(userSessions.id, id.data), eq(userSessions.userId, userId)));
  return row !== undefined && stillOpen(db, id.data, row);
}

/**
 * The user of an open session, read with the session in one statement: what every signed-in
 * request needs first, so one round trip rather than two. Null when the session is not open.
 */
export function findSessionUser(
  db: DbOrTx,
  sessionId: unknown,
  userId: number,
  limits: SessionLimits = sessionLimits(),
) {
  return readSessionUser(db, sessionId, userId, limits, true);
}

/**
 * The same, without marking the session seen: for the checks a long-lived response repeats on
 * its own (the audit live tail), which must not keep an idle session open.
 */
export function findSessionUserUnseen(
  db: DbOrTx,
  sessionId: unknown,
  userId: number,
  limits: SessionLimits = sessionLimits(),
) {
  return readSessionUser(db, sessionId, userId, limits, false);
}

async function readSessionUser(
  db: DbOrTx,
  sessionId: unknown,
  userId: number,
  limits: SessionLimits,
  touch: boolean,
) {
  const id = sessionIdSchema.safeParse(sessionId);
  if (!id.success) return null;
  const [row] = await db
    .select({
      ...sessionState(limits),
      user: {
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        accountId: users.accountId,
        status: users.status,
        timeZone: users.timeZone,
        portalAdmin: users.portalAdmin,
        totpEnabled: sql<boolean>`${users.totpEnabledAt} is not null`,
      },
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, id.data), eq(userSessions.userId, userId)));
  if (!row || !(await stillOpen(db, id.data, row, touch))) return null;
  return row.user;
}

/** Ends one session (sign-out). Ending an ended session keeps its first reason. */
export async function endSession(
  db: DbOrTx,
  sessionId: unknown,
  reason: SessionEndReason,
): Promise<void> {
  const id = sessionIdSchema.safeParse(sessionId);
  if (!id.success) return;
  await db
    .update(userSessions)
    .set({ endedAt: sql`now()`, endReason: reason })
    .where(and(eq(userSessions.id, id.data), isNull(userSessions.endedAt)));
}

/**
 * Ends every open session of a user, but `exceptSessionId`. Called on the transaction of the
 * change that requires it (password, status, role), so the two commit or roll back together.
 * Returns how many were ended that still worked.
 */
export async function endUserSessions(
  db: DbOrTx,
  userId: number,
  reason: SessionEndReason,
  exceptSessionId?: string,
  limits: SessionLimits = sessionLimits(),
): Promise<number> {
  const except = exceptSessionId ? sessionIdSchema.safeParse(exceptSessionId) : null;
  // Sessions that had already lapsed keep that as their reason, and are not counted as ended now.
  await db
    .update(userSessions)
    .set({
      endedAt: sql`now()`,
      endReason: sql`case when ${expiredSql(limits)} then 'expired' else 'idle' end::session_end_reason`,
    })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.endedAt),
        sql`(${expiredSql(limits)} or ${idleSql(limits)})`,
      ),
    );
  const ended = await db
    .update(userSessions)
    .set({ endedAt: sql`now()`, endReason: reason })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.endedAt),
        except?.success ? ne(userSessions.id, except.data) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return ended.length;
}

export type OpenSession = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
};

/** A user's sessions that still work, most recently used first. */
export function listOpenSessions(
  db: DbOrTx,
  userId: number,
  limits: SessionLimits = sessionLimits(),
): Promise<OpenSession[]> {
  return db
    .select({
      id: userSessions.id,
      createdAt: userSessions.createdAt,
      lastSeenAt: userSessions.lastSeenAt,
      ip: userSessions.ip,
      userAgent: userSessions.userAgent,
    })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.endedAt),
        gt(userSessions.createdAt, sql`now() - make_interval(hours => ${limits.maxAgeHours})`),
        gt(userSessions.lastSeenAt, sql`now() - make_interval(mins => ${limits.idleMinutes})`),
      ),
    )
    .orderBy(desc(userSessions.lastSeenAt), desc(userSessions.createdAt));
}

/**
 * A users query's "last sign-in" column (served by user_sessions_user_idx). Spelled out with
 * qualified names: drizzle leaves columns of a one-table query unqualified, which inside this
 * subquery would mean user_sessions.id.
 */
export function lastSignIn(): SQL<Date | null> {
  return sql<Date | null>`(select max(us.created_at) from ${userSessions} us
    where us.user_id = ${users}.id)`.mapWith(userSessions.createdAt);
}

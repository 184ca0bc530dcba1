import { and, count, eq, gt, isNull, max, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { loginAttempts, users, type LoginOutcome } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/core";
import { PORTAL_LABEL, type ActorContext } from "@/lib/audit/actor";
import { readConfig } from "@/lib/config";
import type { RequestContext } from "@/lib/http/request-context";
import { verifyPassword } from "./password";
import { isPortalRole } from "./roles";
import { openSession } from "./user-sessions";

/**
 * Checks a sign-in attempt, throttles repeated failures and writes a LOGIN entry for every
 * attempt; a successful one opens a session (lib/auth/user-sessions.ts). Failures are throttled per email-and-IP pair, plus a much higher per-IP limit, so one
 * attacked account never locks out everyone behind a shared address.
 */

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  password: z.string().min(1, "Enter your password.").max(1024),
});

export type SignedInUser = {
  id: number;
  email: string;
  name: string;
  role: (typeof users.$inferSelect)["role"];
  accountId: number | null;
};

export type AuthResult =
  | { ok: true; user: SignedInUser; sessionId: string }
  | { ok: false; reason: Exclude<LoginOutcome, "success">; retryAfterMinutes?: number };

const REASON_TEXT: Record<Exclude<LoginOutcome, "success">, string> = {
  invalid: "wrong email or password",
  throttled: "too many failed attempts",
  disabled: "user is not active",
};

const ipEquals = (ip: string | null) =>
  ip === null ? isNull(loginAttempts.ip) : eq(loginAttempts.ip, ip);

/** Failures that count toward a lock: wrong passwords since the last success, within the window. */
async function isThrottled(db: Db, email: string, ip: string | null): Promise<boolean> {
  const config = readConfig();
  const windowStart = sql`now() - make_interval(mins => ${config.LOGIN_WINDOW_MINUTES})`;
  const lastSuccess = db
    .select({ at: max(loginAttempts.attemptedAt) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.email, email), ipEquals(ip), eq(loginAttempts.outcome, "success")));
  const [pair] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.email, email),
        ipEquals(ip),
        eq(loginAttempts.outcome, "invalid"),
        gt(
          loginAttempts.attemptedAt,
          sql`greatest(${windowStart}, coalesce((${lastSuccess}), '-infinity'))`,
        ),
      ),
    );
  if ((pair?.n ?? 0) >= config.LOGIN_MAX_FAILURES_PER_EMAIL_IP) return true;
  if (ip === null) return false;
  const [perIp] = await db
    .select({ n: count() })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.ip, ip),
        eq(loginAttempts.outcome, "invalid"),
        gt(loginAttempts.attemptedAt, windowStart),
      ),
    );
  return (perIp?.n ?? 0) >= config.LOGIN_MAX_FAILURES_PER_IP;
}

function actorFor(
  user: typeof users.$inferSelect | null,
  email: string,
  req: RequestContext,
): ActorContext {
  const portal = user !== null && isPortalRole(user.role);
  const signedIn = user !== null;
  return {
    type: portal ? "portal" : "user",
    userId: signedIn ? user.id : null,
    label: portal ? PORTAL_LABEL : (user?.name ?? email),
    detail: portal ? `${user.name} <${user.email}>` : signedIn ? null : `unauthenticated: ${email}`,
    channel: portal ? "portal" : "control_panel",
    ...req,
  };
}

export async function authenticate(
  db: Db,
  input: unknown,
  req: RequestContext,
): Promise<AuthResult> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;

  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  let outcome: LoginOutcome;
  if (await isThrottled(db, email, req.ip)) {
    outcome = "throttled";
  } else if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
    outcome = "invalid";
  } else {
    outcome = user.status === "active" ? "success" : "disabled";
  }

  await db.insert(loginAttempts).values({ email, ip: req.ip, outcome });

  if (outcome === "success" && user) {
    const actor = actorFor(user, email, req);
    // The LOGIN entry and the session commit together. The users row is not touched: a sign-in
    // is not an edit, and must not make a form someone has open on this user stale.
    const sessionId = await db.transaction(async (tx) => {
      await recordAuditEvent(tx, actor, {
        action: "LOGIN",
        tableName: "users",
        recordPk: String(user.id),
        accountId: user.accountId,
        relatedIds: [`user:${user.id}`],
        message: `Signed in to the ${isPortalRole(user.role) ? "Customer Portal" : "Control Panel"} as ${user.email}`,
      });
      return openSession(tx, user.id, req);
    });
    return {
      ok: true,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        accountId: user.accountId,
      },
      sessionId,
    };
  }

  const failure = outcome as Exclude<LoginOutcome, "success">;
  // Only the account a known user belongs to is linked, so a portal's audit page shows failed
  // sign-ins to its own users and nothing about emails that do not exist.
  await recordAuditEvent(db, actorFor(null, email, req), {
    action: "LOGIN",
    tableName: "users",
    recordPk: user ? String(user.id) : null,
    accountId: user?.accountId ?? null,
    relatedIds: user ? [`user:${user.id}`] : [],
    message: `Failed sign-in for ${email}: ${REASON_TEXT[failure]}`,
  });
  return failure === "throttled"
    ? { ok: false, reason: failure, retryAfterMinutes: readConfig().LOGIN_WINDOW_MINUTES }
    : { ok: false, reason: failure };
}

/** The role of the user with this (normalised) email, for where a fresh sign-in lands. */
export async function findRoleByEmail(db: Db, email: string): Promise<SignedInUser["role"] | null> {
  const [row] = await db
    .select({ role: users.role })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  return row?.role ?? null;
}

import { and, count, eq, gt, isNull, max, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { loginAttempts, users, type LoginOutcome } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/core";
import { PORTAL_LABEL, type ActorContext } from "@/lib/audit/actor";
import { readConfig } from "@/lib/config";
import type { RequestContext } from "@/lib/http/request-context";
import { isRememberedDevice } from "@/lib/totp/devices";
import { signTicket } from "@/lib/totp/ticket";
import { verifyPassword } from "./password";
import { isPortalRole } from "./roles";
import { openSession } from "./user-sessions";
import {
  failedSignInMessage,
  MALFORMED_SIGN_IN_TEXT,
  SIGN_IN_FAILURE_TEXT,
  signedInMessage,
} from "./sign-in-messages";

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

/** Why a sign-in was refused. */
type FailedOutcome = Exclude<LoginOutcome, "success" | "second_factor">;

/** How long the code step may follow the password step. */
export const SECOND_FACTOR_TICKET_SECONDS = 5 * 60;

export type AuthResult =
  | { ok: true; user: SignedInUser; sessionId: string }
  // The password was right and the user has a second factor: no session yet. The ticket (signed,
  // short-lived) says so to the code step (lib/totp/sign-in.ts).
  | { ok: false; reason: "second_factor"; ticket: string }
  | { ok: false; reason: FailedOutcome; retryAfterMinutes?: number };

const ipEquals = (ip: string | null) =>
  ip === null ? isNull(loginAttempts.ip) : eq(loginAttempts.ip, ip);

/** Failures that count toward a lock: wrong passwords since the last success, within the window. */
async function isThrottled(db: DbOrTx, email: string, ip: string | null): Promise<boolean> {
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

export type Claim = { id: number; throttled: boolean };

/**
 * Takes a place in the throttle before any password is checked: under a transaction-scoped
 * advisory lock on the client address (on the email when the address is unknown), counts the
 * failures and records this attempt as a failure, or as throttled when over a limit. Concurrent
 * attempts from one address queue on the lock for the count-and-insert only (milliseconds, not
 * the Argon2 check), so each sees the ones before it: no more than the limit get a password
 * check, however many arrive at once. A sign-in that then succeeds rewrites its own row.
 */
export async function claimAttempt(db: Db, email: string, ip: string | null): Promise<Claim> {
  const key = ip === null ? `login:email:${email}` : `login:ip:${ip}`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    const throttled = await isThrottled(tx, email, ip);
    const [row] = await tx
      .insert(loginAttempts)
      .values({ email, ip, outcome: throttled ? "throttled" : "invalid" })
      .returning({ id: loginAttempts.id });
    return { id: row!.id, throttled };
  });
}

export async function settleAttempt(db: Db, claim: Claim, outcome: LoginOutcome): Promise<void> {
  if (outcome === "invalid" || outcome === "throttled") return;
  await db.update(loginAttempts).set({ outcome }).where(eq(loginAttempts.id, claim.id));
}

/**
 * The email of a sign-in whose fields did not validate, as far as it can be told: what was typed
 * (trimmed, lower-cased, without control characters, at most 254 characters), or "" when the
 * field is missing or not text. Never the password.
 */
function triedEmail(input: unknown): string {
  const raw = input && typeof input === "object" && "email" in input ? input.email : null;
  if (typeof raw !== "string") return "";
  return raw
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .toLowerCase()
    .slice(0, 254);
}

export function actorFor(
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

export const signedInUser = (user: typeof users.$inferSelect): SignedInUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  accountId: user.accountId,
});

/**
 * The LOGIN entry and the session commit together. The users row is not touched: a sign-in is
 * not an edit, and must not make a form someone has open on this user stale.
 */
export function openSignedInSession(
  db: Db,
  user: typeof users.$inferSelect,
  req: RequestContext,
  message: string,
  alsoInTransaction?: (tx: DbOrTx) => Promise<void>,
): Promise<string> {
  const actor = actorFor(user, user.email, req);
  return db.transaction(async (tx) => {
    await recordAuditEvent(tx, actor, {
      action: "LOGIN",
      tableName: "users",
      recordPk: String(user.id),
      accountId: user.accountId,
      relatedIds: [`user:${user.id}`],
      message,
    });
    await alsoInTransaction?.(tx);
    return openSession(tx, user.id, req);
  });
}

/**
 * `options.rememberedDevice`: the remembered-device cookie's token, if the browser sent one; a
 * user with a second factor is signed in by the password alone only when it is theirs and valid.
 */
export async function authenticate(
  db: Db,
  input: unknown,
  req: RequestContext,
  options: { rememberedDevice?: unknown } = {},
): Promise<AuthResult> {
  const parsed = credentialsSchema.safeParse(input);
  // A malformed attempt (missing or invalid fields) is a failure like any other: it takes its
  // place in the throttle and is recorded, but there is no password to check.
  const email = parsed.success ? parsed.data.email : triedEmail(input);
  const claim = await claimAttempt(db, email, req.ip);

  const [user] = parsed.success
    ? await db
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${email}`)
    : [];
  let outcome: LoginOutcome;
  if (claim.throttled) {
    outcome = "throttled";
  } else if (!parsed.success) {
    outcome = "invalid";
  } else if (!(await verifyPassword(user?.passwordHash ?? null, parsed.data.password)) || !user) {
    outcome = "invalid";
  } else {
    outcome = user.status === "active" ? "success" : "disabled";
  }
  // Right password, but the code step is still to come unless this browser is remembered.
  if (
    outcome === "success" &&
    user?.totpEnabledAt &&
    !(await isRememberedDevice(db, user.id, options.rememberedDevice))
  ) {
    await settleAttempt(db, claim, "second_factor");
    return {
      ok: false,
      reason: "second_factor",
      ticket: signTicket("second-factor", { uid: user.id }, SECOND_FACTOR_TICKET_SECONDS),
    };
  }
  await settleAttempt(db, claim, outcome);

  if (outcome === "success" && user) {
    const sessionId = await openSignedInSession(db, user, req, signedInMessage(user));
    return { ok: true, user: signedInUser(user), sessionId };
  }

  const failure = outcome as FailedOutcome;
  const reason =
    parsed.success || failure === "throttled"
      ? SIGN_IN_FAILURE_TEXT[failure]
      : MALFORMED_SIGN_IN_TEXT;
  const shown = email || "(no email)";
  // Only the account a known user belongs to is linked, so a portal's audit page shows failed
  // sign-ins to its own users and nothing about emails that do not exist.
  await recordAuditEvent(db, actorFor(null, shown, req), {
    action: "LOGIN",
    tableName: "users",
    recordPk: user ? String(user.id) : null,
    accountId: user?.accountId ?? null,
    relatedIds: user ? [`user:${user.id}`] : [],
    message: failedSignInMessage(shown, reason),
  });
  return failure === "throttled"
    ? { ok: false, reason: failure, retryAfterMinutes: readConfig().LOGIN_WINDOW_MINUTES }
    : { ok: false, reason: failure };
}

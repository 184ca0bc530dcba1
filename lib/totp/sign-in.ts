import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { users, userTotpSteps } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/core";
import {
  actorFor,
  claimAttempt,
  openSignedInSession,
  settleAttempt,
  signedInUser,
  type AuthResult,
} from "@/lib/auth/authenticate";
import {
  failedSignInMessage,
  SIGN_IN_FAILURE_TEXT,
  signedInMessage,
  WRONG_SECOND_FACTOR_TEXT,
} from "@/lib/auth/sign-in-messages";
import { readConfig } from "@/lib/config";
import type { RequestContext } from "@/lib/http/request-context";
import { TOTP_CODE, totpStep } from "./codes";
import { rememberDevice } from "./devices";
import { consumeRecoveryCode, unusedRecoveryCodes } from "./recovery-codes";
import { readTicket } from "./ticket";

/** The code step's fields: the password step's ticket, a code, and optionally a device token. */
const secondFactorSchema = z.object({
  ticket: z.string().min(1).max(1024),
  // A 6-digit code, or a recovery code (16 characters, dashes and spaces allowed).
  code: z
    .string()
    .trim()
    .min(1, "Enter the code from your app or a recovery code.")
    .max(64, "That is not a code."),
  // Set when "Remember this device" was ticked: the cookie's token, chosen by the sign-in action.
  rememberToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
});

/**
 * Records `step` as the user's last one used, unless it is not later than the last: in one
 * statement, so two requests with the same code cannot both pass. False means a replay.
 */
async function claimStep(db: Db, userId: number, step: number): Promise<boolean> {
  const rows = await db
    .insert(userTotpSteps)
    .values({ userId, lastStep: step })
    .onConflictDoUpdate({
      target: userTotpSteps.userId,
      set: { lastStep: step },
      setWhere: sql`${userTotpSteps.lastStep} < ${step}`,
    })
    .returning({ userId: userTotpSteps.userId });
  return rows.length > 0;
}

/**
 * The second step of a sign-in with TOTP: the ticket proves the password step passed a moment
 * ago; the code (or an unused recovery code) completes it and opens the session. A wrong code
 * is a failed attempt in the same throttle as a wrong password (same email and address), so
 * codes cannot be guessed faster than passwords; a code already used (or an older one) is
 * refused; every attempt writes a LOGIN entry.
 */
export async function completeSecondFactor(
  db: Db,
  input: unknown,
  req: RequestContext,
  now: number = Date.now(),
): Promise<AuthResult> {
  const parsed = secondFactorSchema.safeParse(input);
  const ticket = parsed.success ? readTicket("second-factor", parsed.data.ticket, now) : null;
  // No valid ticket: the password step has to be done again. Nothing to throttle or record on
  // (the ticket names no one that can be trusted).
  if (!parsed.success || !ticket) return { ok: false, reason: "invalid" };
  const [user] = await db.select().from(users).where(eq(users.id, ticket.uid));
  if (!user) return { ok: false, reason: "invalid" };
  const email = user.email.toLowerCase();
  const claim = await claimAttempt(db, email, req.ip);

  const { code, rememberToken } = parsed.data;
  let how: "code" | "recovery" | null = null;
  if (!claim.throttled && user.status === "active" && user.totpSecret && user.totpEnabledAt) {
    if (TOTP_CODE.test(code)) {
      const step = totpStep(user.totpSecret, code, now);
      how = step !== null && (await claimStep(db, user.id, step)) ? "code" : null;
    } else if (await consumeRecoveryCode(db, user.id, code)) {
      how = "recovery";
    }
  }

  if (how) {
    await settleAttempt(db, claim, "success");
    const left = how === "recovery" ? await unusedRecoveryCodes(db, user.id) : 0;
    const message =
      how === "code"
        ? `${signedInMessage(user)} with a two-factor code`
        : `${signedInMessage(user)} with a recovery code (${left} left)`;
    const sessionId = await openSignedInSession(db, user, req, message, async (tx) => {
      if (rememberToken) await rememberDevice(tx, user.id, rememberToken, req.userAgent);
    });
    return { ok: true, user: signedInUser(user), sessionId };
  }

  const reason = claim.throttled
    ? SIGN_IN_FAILURE_TEXT.throttled
    : user.status !== "active"
      ? SIGN_IN_FAILURE_TEXT.disabled
      : WRONG_SECOND_FACTOR_TEXT;
  if (!claim.throttled && user.status !== "active") await settleAttempt(db, claim, "disabled");
  await recordAuditEvent(db, actorFor(null, email, req), {
    action: "LOGIN",
    tableName: "users",
    recordPk: String(user.id),
    accountId: user.accountId,
    relatedIds: [`user:${user.id}`],
    message: failedSignInMessage(email, reason),
  });
  if (claim.throttled) {
    return {
      ok: false,
      reason: "throttled",
      retryAfterMinutes: readConfig().LOGIN_WINDOW_MINUTES,
    };
  }
  return { ok: false, reason: user.status === "active" ? "invalid" : "disabled" };
}

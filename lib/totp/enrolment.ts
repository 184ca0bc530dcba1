import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { verifyPassword } from "@/lib/auth/password";
import { isPortalRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { newTotpSecret, TOTP_CODE, verifyTotp } from "./codes";
import { forgetDevices } from "./devices";
import { issueRecoveryCodes, removeRecoveryCodes } from "./recovery-codes";
import { readTicket, signTicket } from "./ticket";

/**
 * Turning the second factor on, off and renewing its recovery codes, by the user themself; an
 * administrator's reset is in reset.ts. Each is an UPDATE of the users row through the audited
 * core: the secret is one of the table's secretFields, so the entry says it changed, never what
 * it is; the recovery codes live (hashed) in their own table and never reach an entry.
 */

/** How long the QR code shown may be confirmed. */
const ENROLMENT_MINUTES = 15;

const userLabel = (u: { role: (typeof users.$inferSelect)["role"]; name: string; email: string }) =>
  `${isPortalRole(u.role) ? "portal user" : "user"} ${u.name} <${u.email}>`;

/** A new secret for the enrolment page, and the signed ticket its form carries back. */
export function startEnrolment(userId: number, now: number = Date.now()) {
  const secret = newTotpSecret();
  return {
    secret,
    ticket: signTicket("enrolment", { uid: userId, secret }, ENROLMENT_MINUTES * 60, now),
  };
}

const codeField = z
  .string()
  .trim()
  .regex(TOTP_CODE, "Enter the 6-digit code from your authenticator app.");

const enrolSchema = z.object({ enrolment: z.string().min(1).max(1024), code: codeField });

const wrongCode = (field = "code") =>
  new AppError("Check the highlighted fields.", "invalid", {
    [field]: ["That code is not right. Check the time on your device and try the current code."],
  });

async function enrolTotp(
  db: Db,
  actor: ActorContext,
  userId: number,
  input: z.infer<typeof enrolSchema>,
  now: number = Date.now(),
): Promise<string[]> {
  const ticket = readTicket("enrolment", input.enrolment, now);
  if (!ticket || ticket.uid !== userId || !ticket.secret) {
    throw new AppError("This setup has expired. Start again with the new QR code.", "invalid");
  }
  if (!verifyTotp(ticket.secret, input.code, now)) throw wrongCode();
  const secret = ticket.secret;
  let codes: string[] = [];
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (before?.totpEnabledAt) {
        throw new AppError("Two-factor sign-in is already on.", "conflict");
      }
      await tx
        .update(users)
        .set({ totpSecret: secret, totpEnabledAt: new Date(now) })
        .where(eq(users.id, userId));
      codes = await issueRecoveryCodes(tx, userId);
    },
    message: (b, a) => `Turned on two-factor sign-in for ${userLabel(a ?? b!)}`,
  });
  return codes;
}

export const enrolTotpOperation = operation({
  schema: enrolSchema,
  permission: "profile:self",
  audience: "any",
  beforeEnrolment: true,
  run: async (input, { db, actor, user }) => ({
    data: await enrolTotp(db, actor, user.id, input),
    message: "Two-factor sign-in is on. Save your recovery codes now: they are shown only once.",
  }),
});

/** Removing needs a current code or the password: a session left open is not enough. */
const removeSchema = z
  .object({
    code: z.union([z.literal(""), codeField]).optional(),
    password: z.string().max(1024).optional(),
  })
  .refine((v) => Boolean(v.code) || Boolean(v.password), {
    message: "Enter a current code or your password.",
    path: ["code"],
  });

async function checkCodeOrPassword(
  user: typeof users.$inferSelect,
  input: { code?: string; password?: string },
): Promise<void> {
  if (input.code) {
    if (!user.totpSecret || !verifyTotp(user.totpSecret, input.code)) throw wrongCode();
  } else if (!(await verifyPassword(user.passwordHash, input.password ?? ""))) {
    throw new AppError("Check the highlighted fields.", "invalid", {
      password: ["That is not your password."],
    });
  }
}

async function loadUser(db: Db, userId: number) {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw new AppError("No such user.", "not_found");
  return row;
}

/** Turns a user's second factor off: secret, recovery codes and remembered devices go. */
export async function clearSecondFactor(
  db: Db,
  actor: ActorContext,
  userId: number,
  message: (u: typeof users.$inferSelect) => string,
): Promise<void> {
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before?.totpEnabledAt) throw new AppError("Two-factor sign-in is not on.", "conflict");
      await tx
        .update(users)
        .set({ totpSecret: null, totpEnabledAt: null })
        .where(eq(users.id, userId));
      await removeRecoveryCodes(tx, userId);
      await forgetDevices(tx, userId);
    },
    message: (b, a) => message(a ?? b!),
  });
}

export const removeTotpOperation = operation({
  schema: removeSchema,
  permission: "profile:self",
  audience: "any",
  run: async (input, { db, actor, user }) => {
    await checkCodeOrPassword(await loadUser(db, user.id), input);
    await clearSecondFactor(
      db,
      actor,
      user.id,
      (u) => `Turned off two-factor sign-in for ${userLabel(u)}`,
    );
    return { data: null, message: "Two-factor sign-in is off." };
  },
});

const regenerateSchema = z.object({ code: codeField });

export const regenerateRecoveryCodesOperation = operation({
  schema: regenerateSchema,
  permission: "profile:self",
  audience: "any",
  run: async (input, { db, actor, user }) => {
    const row = await loadUser(db, user.id);
    if (!row.totpEnabledAt) throw new AppError("Two-factor sign-in is not on.", "conflict");
    await checkCodeOrPassword(row, input);
    let codes: string[] = [];
    // The users row does not change; the entry records that the old codes stopped working.
    await auditedMutation(db, actor, {
      table: "users",
      action: "UPDATE",
      id: user.id,
      change: async (tx) => {
        codes = await issueRecoveryCodes(tx, user.id);
      },
      message: (b) => `Issued new recovery codes for ${userLabel(b!)}`,
    });
    return {
      data: codes,
      message: "New recovery codes issued; the old ones no longer work. Save these now.",
    };
  },
});

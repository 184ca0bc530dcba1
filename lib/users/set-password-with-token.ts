import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { auditLog, users } from "@/db/schema";
import { PORTAL_LABEL, type ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword } from "@/lib/auth/password";
import { isPortalRole } from "@/lib/auth/roles";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { AppError } from "@/lib/errors";
import { hashToken } from "./tokens";
import { linkIssuerOf, passwordSetMessage, type LinkIssuer } from "./messages";
import { userLabel, type UserRow } from "./user-rules";

export const INVALID_LINK =
  "This link is invalid, already used or expired. Ask an administrator for a new one.";

/** The request side of an actor; the user is only known once the token is matched. */
export type RequestActor = Pick<ActorContext, "ip" | "userAgent" | "requestId">;

/**
 * Sets a password from an invitation or reset link. The link works once: the token hash is
 * cleared in the same UPDATE, recorded with the link's owner as the actor.
 */
export async function setPasswordWithToken(
  db: Db,
  request: RequestActor,
  token: string,
  password: string,
): Promise<{ userId: number }> {
  const tokenHash = hashToken(token);
  const [user] = await db.select().from(users).where(eq(users.passwordTokenHash, tokenHash));
  const usable = (u: UserRow | null | undefined): u is UserRow =>
    !!u &&
    u.passwordTokenHash === tokenHash &&
    u.status !== "disabled" &&
    u.passwordTokenExpiresAt !== null &&
    u.passwordTokenExpiresAt.getTime() > Date.now();
  if (!usable(user)) throw new AppError(INVALID_LINK, "invalid");

  // Hashed before the transaction: Argon2 is slow on purpose and must not hold the row lock.
  const passwordHash = await hashPassword(password);
  const portal = isPortalRole(user.role);
  const actor: ActorContext = {
    type: portal ? "portal" : "user",
    userId: user.id,
    label: portal ? PORTAL_LABEL : user.name,
    detail: portal ? userLabel(user) : null,
    channel: portal ? "portal" : "control_panel",
    ...request,
  };
  // Filled in under the row lock, read by the message.
  const link: { issued: LinkIssuer | null } = { issued: null };
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: user.id,
    change: async (tx, before) => {
      // Checked again under the row lock: two tabs submitting the same link, only one wins.
      if (!usable(before)) throw new AppError(INVALID_LINK, "invalid");
      link.issued = await findLinkIssuer(tx, before);
      await tx
        .update(users)
        .set({
          passwordHash,
          status: "active",
          passwordTokenHash: null,
          passwordTokenExpiresAt: null,
        })
        .where(eq(users.id, user.id));
      // Whoever held a session of this user (the reason to reset, perhaps) is signed out.
      await endUserSessions(tx, user.id, "password_reset");
    },
    message: () => passwordSetMessage(link.issued),
  });
  return { userId: user.id };
}

/**
 * The link a user is following was issued by the audited change that stored its expiry: the
 * invitation (CREATE) or a reset (UPDATE). The token itself is redacted from entries, but the
 * expiry is not and is unique to the issue, so it names that entry. Anyone holding the outbox
 * copy (no SMTP) could follow the link: the entry made with it says whose link it was.
 */
export async function findLinkIssuer(db: DbOrTx, user: UserRow): Promise<LinkIssuer | null> {
  if (!user.passwordTokenExpiresAt) return null;
  const [entry] = await db
    .select({
      action: auditLog.action,
      actorType: auditLog.actorType,
      actorLabel: auditLog.actorLabel,
      actorDetail: auditLog.actorDetail,
      occurredAt: auditLog.occurredAt,
    })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tableName, "users"),
        eq(auditLog.recordPk, String(user.id)),
        sql`${auditLog.after}->>'passwordTokenExpiresAt' = ${user.passwordTokenExpiresAt.toISOString()}`,
        sql`coalesce(${auditLog.before}->>'passwordTokenExpiresAt', '') <> ${user.passwordTokenExpiresAt.toISOString()}`,
      ),
    )
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(1);
  return entry ? linkIssuerOf(entry) : null;
}

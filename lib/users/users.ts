import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { accounts, auditLog, users, type StaffRole } from "@/db/schema";
import { PORTAL_LABEL, type ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword } from "@/lib/auth/password";
import { isPortalRole, ROLE_LABELS } from "@/lib/auth/roles";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { queueEmail } from "@/lib/email/outbox";
import { invitationEmail, passwordResetEmail } from "@/lib/email/templates";
import { AppError } from "@/lib/errors";
import {
  invitedUserMessage,
  linkIssuerOf,
  passwordResetIssuedMessage,
  passwordSetMessage,
  roleChangedMessage,
  userLabel as label,
  userStatusMessage,
  type LinkIssuer,
} from "./messages";
import type { InviteUserInput } from "./schemas";
import {
  hashToken,
  INVITATION_HOURS,
  newPasswordToken,
  RESET_HOURS,
  setPasswordLink,
} from "./tokens";

type UserRow = typeof users.$inferSelect;

const emailTaken = () =>
  new AppError("Check the highlighted fields.", "conflict", {
    email: ["A user with this email already exists."],
  });

/**
 * Invites a user: creates them as `invited` with a single-use link and queues the invitation
 * email, in one transaction (CREATE and SEND entries commit together or not at all).
 * Returns the new user's id; the token only travels inside the email.
 */
export async function inviteUser(
  db: Db,
  actor: ActorContext,
  input: InviteUserInput,
  baseUrl: string,
): Promise<number> {
  const portal = isPortalRole(input.role);
  if (portal) {
    if (input.accountId === null) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        accountId: ["Portal users belong to an account: choose one."],
      });
    }
    const [account] = await db
      .select({ type: accounts.type })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        accountId: ["That account does not exist."],
      });
    }
    if (account.type !== input.role) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        accountId: [`A ${input.role} user needs a ${input.role} account.`],
      });
    }
  }
  const accountId = portal ? input.accountId : null;
  // Staff never carry the flag (users_portal_admin_has_account would refuse it anyway).
  const portalAdmin = input.portalAdmin ?? false;
  if (portalAdmin && !portal) {
    throw new AppError("Check the highlighted fields.", "invalid", {
      portalAdmin: [PORTAL_ADMIN_ONLY],
    });
  }

  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${input.email.toLowerCase()}`);
  if (existing) throw emailTaken();

  const token = newPasswordToken(INVITATION_HOURS);
  try {
    return await db.transaction(async (tx) => {
      const { after } = await auditedMutation(tx, actor, {
        table: "users",
        action: "CREATE",
        change: async (t) => {
          const [row] = await t
            .insert(users)
            .values({
              name: input.name,
              email: input.email,
              role: input.role,
              accountId,
              portalAdmin,
              status: "invited",
              passwordTokenHash: token.hash,
              passwordTokenExpiresAt: token.expiresAt,
            })
            .returning({ id: users.id });
          return row!.id;
        },
        message: (_b, a) => invitedUserMessage(input.role, a ?? input, portalAdmin),
      });
      const user = after!;
      await queueEmail(
        tx,
        actor,
        invitationEmail({
          name: user.name,
          email: user.email,
          userId: user.id,
          accountId: user.accountId,
          link: setPasswordLink(baseUrl, token.token),
        }),
      );
      return user.id;
    });
  } catch (err) {
    // Two admins inviting the same address at once: the unique index decides.
    if (isUniqueViolation(err, "users_email_key")) throw emailTaken();
    throw err;
  }
}

/** Active admins other than `exceptId`, locked so two concurrent demotions cannot both pass. */
async function otherActiveAdmins(tx: Tx, exceptId: number): Promise<number> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.status, "active"), ne(users.id, exceptId)))
    .for("update");
  return rows.length;
}

const LAST_ADMIN = "This is the last active admin: make another user admin first.";

/** Changes a staff user's role. Nobody changes their own role; the last admin stays admin. */
export async function changeRole(
  db: Db,
  actor: ActorContext,
  userId: number,
  role: StaffRole,
): Promise<void> {
  if (actor.userId === userId) {
    throw new AppError("You cannot change your own role.", "forbidden");
  }
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before) return;
      if (isPortalRole(before.role)) {
        throw new AppError("Portal users keep their role: it follows their account.", "invalid");
      }
      if (before.role === role) throw new AppError(`This user is already ${ROLE_LABELS[role]}.`);
      if (before.role === "admin" && before.status === "active") {
        if ((await otherActiveAdmins(tx, userId)) === 0) throw new AppError(LAST_ADMIN, "conflict");
      }
      await tx.update(users).set({ role }).where(eq(users.id, userId));
      // A session keeps what it was signed in as: the user signs in again under the new role.
      await endUserSessions(tx, userId, "role_changed");
    },
    message: (b, a) => roleChangedMessage(a ?? b!, b!.role, role),
  });
}

export const USER_NOT_FOUND = "That user does not exist.";

export const PORTAL_ADMIN_ONLY = "Only portal users can be portal administrators.";

/**
 * Makes a portal user one of their account's portal administrators (who invite and disable
 * the account's portal users and edit its contact details), or removes that. Staff are refused.
 */
export async function setPortalAdmin(
  db: Db,
  actor: ActorContext,
  userId: number,
  portalAdmin: boolean,
): Promise<void> {
  let account = "";
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before) return;
      if (before.accountId === null || !isPortalRole(before.role)) {
        throw new AppError(PORTAL_ADMIN_ONLY, "invalid");
      }
      if (before.portalAdmin === portalAdmin) {
        throw new AppError(
          portalAdmin
            ? `${before.name} is already a portal administrator.`
            : `${before.name} is not a portal administrator.`,
        );
      }
      const [row] = await tx
        .select({ name: accounts.name })
        .from(accounts)
        .where(eq(accounts.id, before.accountId));
      account = `${row?.name ?? "account"} (${before.accountId})`;
      await tx.update(users).set({ portalAdmin }).where(eq(users.id, userId));
    },
    message: (b, a) =>
      portalAdmin
        ? `Made ${label(a ?? b!)} a portal administrator of ${account}`
        : `Removed ${label(a ?? b!)} as a portal administrator of ${account}`,
  });
}

/**
 * Disables or enables a user. Disabling also voids any pending link; enabling returns them to
 * `active`, or to `invited` when they never set a password. With `scope`, a user outside that
 * account is "not found" (checked under the row lock), so the portal cannot reach other tenants.
 */
export async function setUserStatus(
  db: Db,
  actor: ActorContext,
  userId: number,
  status: "active" | "disabled",
  scope?: { accountId: number },
): Promise<void> {
  if (status === "disabled" && actor.userId === userId) {
    throw new AppError("You cannot disable yourself.", "forbidden");
  }
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before) return;
      if (scope && before.accountId !== scope.accountId) {
        throw new AppError(USER_NOT_FOUND, "not_found");
      }
      if (status === "disabled") {
        if (before.status === "disabled") throw new AppError("This user is already disabled.");
        if (before.role === "admin" && before.status === "active") {
          if ((await otherActiveAdmins(tx, userId)) === 0) {
            throw new AppError(LAST_ADMIN, "conflict");
          }
        }
        await tx
          .update(users)
          .set({ status: "disabled", passwordTokenHash: null, passwordTokenExpiresAt: null })
          .where(eq(users.id, userId));
        // Ended, not merely refused while disabled: enabling the user again revives no cookie.
        await endUserSessions(tx, userId, "disabled");
      } else {
        if (before.status !== "disabled") throw new AppError("This user is not disabled.");
        if (scope && (await disabledBy(tx, userId)) !== "portal") {
          throw new AppError(DISABLED_BY_STAFF, "forbidden");
        }
        await tx
          .update(users)
          .set({ status: before.passwordHash ? "active" : "invited" })
          .where(eq(users.id, userId));
      }
    },
    message: (b, a) => userStatusMessage(status, a ?? b!),
  });
}

export const DISABLED_BY_STAFF =
  "Your provider's staff disabled this user: ask them if they should be enabled again.";

/**
 * Who disabled a user last, from the audit log (the entry that moved status to disabled): a
 * portal admin may undo their own account's decision, not one the platform's staff took.
 */
async function disabledBy(tx: Tx, userId: number) {
  const [entry] = await tx
    .select({ actorType: auditLog.actorType })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tableName, "users"),
        eq(auditLog.recordPk, String(userId)),
        sql`${auditLog.after}->>'status' = 'disabled'`,
        sql`coalesce(${auditLog.before}->>'status', '') <> 'disabled'`,
      ),
    )
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(1);
  return entry?.actorType ?? null;
}

/** Issues a new single-use link (replacing any earlier one) and queues the reset email. */
export async function sendPasswordReset(
  db: Db,
  actor: ActorContext,
  userId: number,
  baseUrl: string,
): Promise<void> {
  const token = newPasswordToken(RESET_HOURS);
  await db.transaction(async (tx) => {
    const { after } = await auditedMutation(tx, actor, {
      table: "users",
      action: "UPDATE",
      id: userId,
      change: async (t, before) => {
        if (before?.status === "disabled") {
          throw new AppError("This user is disabled: enable them first.", "conflict");
        }
        await t
          .update(users)
          .set({ passwordTokenHash: token.hash, passwordTokenExpiresAt: token.expiresAt })
          .where(eq(users.id, userId));
      },
      message: (b, a) => passwordResetIssuedMessage(a ?? b!),
    });
    const user = after!;
    await queueEmail(
      tx,
      actor,
      passwordResetEmail({
        name: user.name,
        email: user.email,
        userId: user.id,
        accountId: user.accountId,
        link: setPasswordLink(baseUrl, token.token),
        hours: RESET_HOURS,
      }),
    );
  });
}

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
    detail: portal ? label(user) : null,
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

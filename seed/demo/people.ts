/**
 * How people come and go in the demo: invitations (CREATE + SEND, then the invitee sets a
 * password), sign-ins (LOGIN, successful or not) and password resets.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { users, type LoginOutcome } from "@/db/schema";
import {
  failedSignInMessage,
  SIGN_IN_FAILURE_TEXT,
  signedInMessage,
} from "@/lib/auth/sign-in-messages";
import { emailSentMessage } from "@/lib/email/outbox";
import { invitationEmail, passwordResetEmail } from "@/lib/email/templates";
import {
  invitedUserMessage,
  passwordResetIssuedMessage,
  passwordSetMessage,
} from "@/lib/users/messages";
import {
  hashToken,
  INVITATION_HOURS,
  maskSetPasswordTokens,
  RESET_HOURS,
  setPasswordLink,
} from "@/lib/users/tokens";
import { findLinkIssuer } from "@/lib/users/set-password-with-token";
import { later } from "./clock";
import type { SeedContext } from "./context";
import { HOUR } from "./timeline";
import { roleAt, type SeedUser } from "./world";

const PORTAL_URL = "https://portal.northbridge.example";
const CONTROL_PANEL_URL = "https://cp.northbridge.example";

/** Single-use tokens are stored hashed, like the app does; the tokens themselves are dropped. */
export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const baseUrlOf = (user: SeedUser) => (user.account ? PORTAL_URL : CONTROL_PANEL_URL);

/**
 * The email as the product builds it (lib/email/templates.ts), as it stands in the outbox once
 * sent: SMTP has it, so the copy keeps no usable link (lib/users/tokens.ts masks the token).
 */
function sentEmail(email: ReturnType<typeof invitationEmail>) {
  return { ...email, bodyText: maskSetPasswordTokens(email.bodyText), status: "sent" as const };
}

/**
 * The invitee or a user who was sent a reset link sets their password: the UPDATE of
 * setPasswordWithToken (lib/users), worded by the product from the entry that issued the link.
 */
function planSetPassword(
  ctx: SeedContext,
  user: SeedUser,
  t: number,
  passwordHash: (before: { passwordHash: string | null }) => string,
): void {
  ctx.timeline.at(t, async (at) => {
    const [row] = await ctx.write.db.select().from(users).where(eq(users.id, user.id));
    const issuer = await findLinkIssuer(ctx.write.db, row!);
    await ctx.write.update(
      ctx.actors.user(user, at),
      "users",
      user.id,
      (before) => ({
        status: "active" as const,
        passwordHash: passwordHash(before),
        passwordTokenHash: null,
        passwordTokenExpiresAt: null,
      }),
      { message: () => passwordSetMessage(issuer) },
    );
  });
}

/** `inviter` creates the user and the invitation email goes out; the invitee accepts later. */
export function planInvitation(ctx: SeedContext, user: SeedUser, inviter: SeedUser): void {
  const token = ctx.plan.alnum(40);
  const portalAdmin = user.portalAdmin ?? false;
  ctx.timeline.at(user.invitedAt, async (at) => {
    const role = roleAt(user, at.getTime());
    const row = await ctx.write.create(
      ctx.actors.user(inviter, at),
      "users",
      {
        email: user.email,
        name: user.name,
        role,
        accountId: user.account?.id ?? null,
        portalAdmin,
        status: "invited",
        passwordTokenHash: hashToken(token),
        passwordTokenExpiresAt: new Date(at.getTime() + INVITATION_HOURS * HOUR),
      },
      { message: (_b, a) => invitedUserMessage(role, a!, portalAdmin) },
    );
    user.id = row.id;
  });
  ctx.timeline.at(user.invitedAt + 2_000, async (at) => {
    const email = invitationEmail({
      name: user.name,
      email: user.email,
      userId: user.id,
      accountId: user.account?.id ?? null,
      link: setPasswordLink(baseUrlOf(user), token),
    });
    await ctx.write.create(
      ctx.actors.user(inviter, at),
      "email_outbox",
      { ...sentEmail(email), sentAt: new Date(at.getTime() + 1_400) },
      { action: "SEND", message: () => emailSentMessage(email) },
    );
  });
  if (user.activeFrom === null) return;
  planSetPassword(ctx, user, user.activeFrom, () => ctx.passwordHashes.initial);
  planSignIn(ctx, user, later(ctx.plan, user.activeFrom, 0.5, 3));
}

/** A successful sign-in, after a mistyped password now and then. */
export function planSignIn(
  ctx: SeedContext,
  user: SeedUser,
  t: number,
  options: { typo?: boolean; ip?: string } = {},
): void {
  const ip = options.ip ?? (ctx.plan.chance(0.12) ? user.ipv6 : user.ip);
  if (options.typo) {
    const before = t - ctx.plan.int(12_000, 90_000);
    planFailedSignIn(ctx, user.email, user, before, "invalid", ip, user.userAgent);
  }
  ctx.timeline.at(t, async (at) => {
    await ctx.write.event(ctx.actors.user(user, at, { ip }), {
      action: "LOGIN",
      tableName: "users",
      recordPk: String(user.id),
      accountId: user.account?.id ?? null,
      relatedIds: [`user:${user.id}`],
      message: signedInMessage({ role: roleAt(user, at.getTime()), email: user.email }),
    });
    ctx.loginAttempts.push({ email: user.email, ip, outcome: "success", attemptedAt: at });
    // Left to lapse (idle, then past its lifetime) like most sessions no one signs out of.
    ctx.sessions.push({
      userId: user.id,
      createdAt: at,
      lastSeenAt: at,
      ip,
      userAgent: user.userAgent,
    });
  });
}

/** A refused sign-in: the entry names the email tried and why, never the password. */
export function planFailedSignIn(
  ctx: SeedContext,
  email: string,
  user: SeedUser | null,
  t: number,
  outcome: Exclude<LoginOutcome, "success" | "second_factor">,
  ip: string,
  userAgent: string,
): void {
  ctx.timeline.at(t, async (at) => {
    // Only a user that exists by then is linked (and only then is its account's portal told).
    const known = user && user.id > 0 ? user : null;
    await ctx.write.event(ctx.actors.anonymous(email, at, ip, userAgent), {
      action: "LOGIN",
      tableName: "users",
      recordPk: known ? String(known.id) : null,
      accountId: known?.account?.id ?? null,
      relatedIds: known ? [`user:${known.id}`] : [],
      message: failedSignInMessage(email, SIGN_IN_FAILURE_TEXT[outcome]),
    });
    ctx.loginAttempts.push({ email, ip, outcome, attemptedAt: at });
  });
}

/** Staff send a reset link; the user chooses a new password and signs in with it. */
export function planPasswordReset(ctx: SeedContext, user: SeedUser, by: SeedUser, t: number): void {
  const token = ctx.plan.alnum(40);
  const completed = later(ctx.plan, t, 8, 240);
  ctx.timeline.at(t, async (at) => {
    await ctx.write.update(
      ctx.actors.user(by, at),
      "users",
      user.id,
      {
        passwordTokenHash: hashToken(token),
        passwordTokenExpiresAt: new Date(at.getTime() + RESET_HOURS * HOUR),
      },
      { message: (_b, a) => passwordResetIssuedMessage(a!) },
    );
  });
  ctx.timeline.at(t + 2_000, async (at) => {
    const email = passwordResetEmail({
      name: user.name,
      email: user.email,
      userId: user.id,
      accountId: user.account?.id ?? null,
      link: setPasswordLink(baseUrlOf(user), token),
      hours: RESET_HOURS,
    });
    await ctx.write.create(
      ctx.actors.user(by, at),
      "email_outbox",
      { ...sentEmail(email), sentAt: new Date(at.getTime() + 1_100) },
      { action: "SEND", message: () => emailSentMessage(email) },
    );
  });
  // A new hash of the same demo password, so the diff shows a real change of hash.
  const { initial, reset } = ctx.passwordHashes;
  planSetPassword(ctx, user, completed, (before) =>
    before.passwordHash === initial ? reset : initial,
  );
  planSignIn(ctx, user, later(ctx.plan, completed, 0.5, 2));
}

/** A user sets their profile's time zone after their first sign-in. */
export function planOwnTimeZone(ctx: SeedContext, user: SeedUser, t: number): void {
  const zone = ctx.plan.pick(user.timeZones);
  ctx.timeline.at(t, async (at) => {
    await ctx.write.update(ctx.actors.user(user, at), "users", user.id, { timeZone: zone });
  });
}

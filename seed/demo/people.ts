/**
 * How people come and go in the demo: invitations (CREATE + SEND, then the invitee sets a
 * password), sign-ins (LOGIN, successful or not) and password resets.
 */
import { createHash } from "node:crypto";
import type { LoginOutcome } from "@/db/schema";
import { later } from "./clock";
import type { SeedContext } from "./context";
import { DAY } from "./timeline";
import { roleAt, type SeedUser } from "./world";

export const PORTAL_URL = "https://portal.northbridge.example";
export const CONTROL_PANEL_URL = "https://cp.northbridge.example";

/** Single-use tokens are stored hashed, like the app does; the tokens themselves are dropped. */
export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const firstName = (user: SeedUser) => user.name.split(" ")[0];
const nounOf = (row: { accountId: number | null }) => (row.accountId ? "portal user" : "user");

/** Reasons in the words of lib/auth/authenticate.ts, so seeded failures read like live ones. */
const FAILURE_TEXT: Record<Exclude<LoginOutcome, "success">, string> = {
  invalid: "wrong email or password",
  throttled: "too many failed attempts",
  disabled: "user is not active",
};

/** `inviter` creates the user and the invitation email goes out; the invitee accepts later. */
export function planInvitation(ctx: SeedContext, user: SeedUser, inviter: SeedUser): void {
  const token = ctx.plan.alnum(40);
  const portal = user.account !== null;
  const invitedBy = inviter.name;
  ctx.timeline.at(user.invitedAt, async (at) => {
    const row = await ctx.write.create(ctx.actors.user(inviter, at), "users", {
      email: user.email,
      name: user.name,
      role: roleAt(user, at.getTime()),
      accountId: user.account?.id ?? null,
      portalAdmin: user.portalAdmin ?? false,
      status: "invited",
      passwordTokenHash: sha256(token),
      passwordTokenExpiresAt: new Date(at.getTime() + 7 * DAY),
    });
    user.id = row.id;
  });
  ctx.timeline.at(user.invitedAt + 2_000, async (at) => {
    const where = portal
      ? `the Northbridge Customer Portal for ${user.account!.name}`
      : "the Northbridge Control Panel";
    await ctx.write.create(
      ctx.actors.user(inviter, at),
      "email_outbox",
      {
        kind: "invitation",
        toAddress: user.email,
        subject: `You have been invited to ${where}`,
        bodyText:
          `Hello ${firstName(user)},\n\n${invitedBy} invited you to ${where}.\n` +
          `Choose your password within 7 days:\n` +
          `${portal ? PORTAL_URL : CONTROL_PANEL_URL}/invitation/${token}\n`,
        userId: user.id,
        accountId: user.account?.id ?? null,
        status: "sent",
        sentAt: new Date(at.getTime() + 1_400),
      },
      { action: "SEND" },
    );
  });
  if (user.activeFrom === null) return;
  ctx.timeline.at(user.activeFrom, async (at) => {
    await ctx.write.update(
      ctx.actors.user(user, at),
      "users",
      user.id,
      {
        status: "active",
        passwordHash: ctx.passwordHashes.initial,
        passwordTokenHash: null,
        passwordTokenExpiresAt: null,
      },
      { message: (_b, a) => `Accepted invitation of ${nounOf(a!)} ${a!.name} <${a!.email}>` },
    );
  });
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
    const portal = user.account !== null;
    await ctx.write.event(ctx.actors.user(user, at, { ip }), {
      action: "LOGIN",
      tableName: "users",
      recordPk: String(user.id),
      accountId: user.account?.id ?? null,
      relatedIds: [`user:${user.id}`],
      message: `Signed in to the ${portal ? "Customer Portal" : "Control Panel"} as ${user.email}`,
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
  outcome: Exclude<LoginOutcome, "success">,
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
      message: `Failed sign-in for ${email}: ${FAILURE_TEXT[outcome]}`,
    });
    ctx.loginAttempts.push({ email, ip, outcome, attemptedAt: at });
  });
}

/** Staff send a reset link; the user chooses a new password and signs in with it. */
export function planPasswordReset(ctx: SeedContext, user: SeedUser, by: SeedUser, t: number): void {
  const token = ctx.plan.alnum(40);
  const completed = later(ctx.plan, t, 8, 240);
  const portal = user.account !== null;
  ctx.timeline.at(t, async (at) => {
    await ctx.write.update(
      ctx.actors.user(by, at),
      "users",
      user.id,
      {
        passwordTokenHash: sha256(token),
        passwordTokenExpiresAt: new Date(at.getTime() + DAY),
      },
      { message: (_b, a) => `Issued a password reset for ${nounOf(a!)} ${a!.name} <${a!.email}>` },
    );
  });
  ctx.timeline.at(t + 2_000, async (at) => {
    await ctx.write.create(
      ctx.actors.user(by, at),
      "email_outbox",
      {
        kind: "password_reset",
        toAddress: user.email,
        subject: "Reset your password",
        bodyText:
          `Hello ${firstName(user)},\n\nUse this link within 24 hours to choose a new password:\n` +
          `${portal ? PORTAL_URL : CONTROL_PANEL_URL}/reset-password/${token}\n`,
        userId: user.id,
        accountId: user.account?.id ?? null,
        status: "sent",
        sentAt: new Date(at.getTime() + 1_100),
      },
      { action: "SEND" },
    );
  });
  ctx.timeline.at(completed, async (at) => {
    const { initial, reset } = ctx.passwordHashes;
    await ctx.write.update(
      ctx.actors.user(user, at),
      "users",
      user.id,
      // A new hash of the same demo password, so the diff shows a real change of hash.
      (before) => ({
        passwordHash: before.passwordHash === initial ? reset : initial,
        passwordTokenHash: null,
        passwordTokenExpiresAt: null,
      }),
      { message: (_b, a) => `Reset the password of ${nounOf(a!)} ${a!.name} <${a!.email}>` },
    );
  });
  planSignIn(ctx, user, later(ctx.plan, completed, 0.5, 2));
}

/** A user sets their profile's time zone after their first sign-in. */
export function planOwnTimeZone(ctx: SeedContext, user: SeedUser, t: number): void {
  const zone = ctx.plan.pick(user.timeZones);
  ctx.timeline.at(t, async (at) => {
    await ctx.write.update(ctx.actors.user(user, at), "users", user.id, { timeZone: zone });
  });
}

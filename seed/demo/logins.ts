/**
 * Sign-ins over the three months: staff most working days, portal users a few times a week,
 * typos now and then, scanners trying addresses that do not exist, credential-stuffing bursts
 * that hit the throttle, and a disabled user who still tries.
 */
import { BOT_AGENTS } from "@/seed/words";
import { internetIp } from "./addresses";
import { anyTime, officeTime } from "./clock";
import type { SeedContext } from "./context";
import { planFailedSignIn, planSignIn } from "./people";
import { DAY, HOUR } from "./timeline";
import type { SeedUser } from "./world";

const GUESSED_EMAILS = [
  "admin@northbridge.example",
  "administrator@example.com",
  "root@example.com",
  "test@example.com",
  "info@example.com",
  "noc@example.com",
  "sales@acme.example",
  "admin@acme.example",
  "billing@thames.example",
];
const MISTYPED_EMAILS = [
  "suport@example.com",
  "admin@example.co",
  "portal@acme.exmaple",
  "noc@zephyr.exampel",
  "auditor@exmaple.com",
];

export function planSignIns(ctx: SeedContext): void {
  const { timeline, world } = ctx;
  const people: Array<{ user: SeedUser; weekday: number; weekend: number }> = [
    ...[...world.staff.values()].map((user) => ({ user, weekday: 0.85, weekend: 0.06 })),
    ...world.portalUsers.map((user) => ({
      user,
      weekday: user.account!.type === "carrier" ? 0.36 : 0.3,
      weekend: 0.05,
    })),
  ];
  for (const { user, weekday, weekend } of people) {
    if (user.activeFrom === null) continue;
    const first = Math.floor(user.activeFrom / DAY) * DAY + DAY;
    const last = Math.min(user.activeUntil, timeline.end - HOUR);
    for (let day = first; day + DAY <= last; day += DAY) {
      const weekendDay = [0, 6].includes(new Date(day).getUTCDay());
      if (!ctx.plan.chance((weekendDay ? weekend : weekday) * Math.min(1, ctx.scale))) continue;
      const t = officeTime(ctx.plan, day, day + DAY, user.utcOffset);
      planSignIn(ctx, user, t, { typo: ctx.plan.chance(0.05) });
    }
  }

  // Scanners and people who mistype their address: no such user, so no record is linked.
  const from = timeline.start + 2 * DAY;
  for (let i = 0; i < ctx.count(50, 2); i++) {
    const bot = ctx.plan.chance(0.7);
    const email = ctx.plan.pick(bot ? GUESSED_EMAILS : MISTYPED_EMAILS);
    const t = bot
      ? anyTime(ctx.plan, from, timeline.end)
      : officeTime(ctx.plan, from, timeline.end);
    const ip = bot
      ? internetIp(ctx.plan)
      : ctx.plan.pick(["192.0.2.11", "198.51.100.3", "2001:db8:10::b"]);
    const agent = bot
      ? ctx.plan.pick(BOT_AGENTS)
      : "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0";
    planFailedSignIn(ctx, email, null, t, "invalid", ip, agent);
  }

  // Credential stuffing against known addresses: five wrong passwords, then the throttle.
  const targets = ["ada", "sofia"].map((k) => world.staffUser(k));
  const acmePortal = world.account("Acme Telecom").users[0]!;
  for (const [i, target] of [...targets, acmePortal].entries()) {
    const midnight = Math.floor((timeline.start + (20 + i * 26) * DAY) / DAY) * DAY;
    let t = midnight + ctx.plan.int(1, 4) * HOUR + ctx.plan.int(0, 3_599_000);
    const ip = internetIp(ctx.plan);
    const agent = ctx.plan.pick(BOT_AGENTS);
    for (let n = 0; n < 7; n++) {
      t += ctx.plan.int(8_000, 40_000);
      const outcome = n < 5 ? "invalid" : "throttled";
      planFailedSignIn(ctx, target.email, target, t, outcome, ip, agent);
    }
  }

  // Derek was disabled on day 60; his password still works, his account does not.
  const derek = world.staffUser("derek");
  for (const days of [1, 6]) {
    const t = officeTime(
      ctx.plan,
      derek.activeUntil + days * DAY,
      derek.activeUntil + (days + 1) * DAY,
      derek.utcOffset,
    );
    planFailedSignIn(ctx, derek.email, derek, t, "disabled", derek.ipv6, derek.userAgent);
  }
}

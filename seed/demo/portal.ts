/**
 * What customers and carriers do in their portal (recorded as "Portal"): keep their contact
 * details current, fix their names, invite colleagues and disable those who leave. Contact
 * details and colleagues are a portal administrator's job, as the portal itself enforces.
 */
import { later, officeTime } from "./clock";
import type { SeedContext } from "./context";
import { BROWSERS, emailLocalPart } from "@/seed/words";
import { PORTAL_PEOPLE } from "./names";
import { disableUser } from "./operations";
import { planInvitation } from "./people";
import { DAY } from "./timeline";
import { isActiveAt, type SeedAccount, type SeedUser } from "./world";

const ADDRESS_CHANGES: Record<string, string> = {
  US: "Suite 1800, 401 Congress Avenue, Austin, TX 78701, USA",
  GB: "5th Floor, 10 Finsbury Square, London EC2A 1AF, United Kingdom",
  DE: "Mainzer Landstraße 50, 60325 Frankfurt am Main, Germany",
  NL: "Zuidplein 36, 1077 XV Amsterdam, Netherlands",
  SE: "Vasagatan 7, 111 20 Stockholm, Sweden",
  SG: "8 Marina View, #40-01 Asia Square Tower 1, Singapore 018960",
  AE: "Level 15, Gate Building, DIFC, Dubai, United Arab Emirates",
};

export function planPortalActivity(ctx: SeedContext): void {
  const { timeline, world } = ctx;
  const activeUsers = (t: number) => world.portalUsers.filter((u) => isActiveAt(u, t));
  const activeAdmins = (t: number) => activeUsers(t).filter((u) => u.portalAdmin);
  const window = (from: number) => officeTime(ctx.plan, from, timeline.end - 2 * DAY);

  for (let i = 0; i < ctx.count(16, 1); i++) {
    const t = window(timeline.start + 10 * DAY);
    const users = activeAdmins(t);
    if (!users.length) continue;
    const user = ctx.plan.pick(users);
    const account = user.account!;
    const mailbox = ctx.plan.pick(["accounts-payable", "finance", "invoices", "billing", "ap"]);
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.portal(user, at), "accounts", account.id, (before) => {
        const next = `${mailbox}@${account.domain}`;
        return {
          billingEmail: next === before.billingEmail ? `billing+noc@${account.domain}` : next,
        };
      });
    });
  }

  for (let i = 0; i < ctx.count(6, 1); i++) {
    const t = window(timeline.start + 20 * DAY);
    const users = activeAdmins(t).filter((u) => ADDRESS_CHANGES[u.account!.country]);
    if (!users.length) continue;
    const user = ctx.plan.pick(users);
    const account = user.account!;
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.portal(user, at), "accounts", account.id, (before) => {
        const next = ADDRESS_CHANGES[account.country]!;
        return { address: next === before.address ? `${next} (registered office)` : next };
      });
    });
  }

  // A few people correct how their name is shown (never the two demo sign-ins).
  for (let i = 0; i < ctx.count(4, 1); i++) {
    const t = window(timeline.start + 15 * DAY);
    const users = activeUsers(t).filter(
      (u) => !u.email.startsWith("portal@") && !u.email.startsWith("noc@zephyr"),
    );
    if (!users.length) continue;
    const user = ctx.plan.pick(users);
    const initial = ctx.plan.pick(["A.", "J.", "M.", "R.", "S."]);
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.portal(user, at), "users", user.id, (before) => {
        const [first, ...rest] = before.name.split(" ");
        const name =
          rest.length > 1 ? `${first} ${rest.at(-1)}` : `${first} ${initial} ${rest.join(" ")}`;
        user.name = name;
        return { name };
      });
    });
  }
}

/** Portal users invite colleagues; a later one leaves and is disabled by a colleague. */
export function planColleagues(ctx: SeedContext): void {
  const { timeline, world } = ctx;
  const used = new Set(world.portalUsers.map((u) => u.name));
  const names = PORTAL_PEOPLE.filter((n) => !used.has(n)).reverse();
  for (let i = 0; i < ctx.count(8, 1) && names.length; i++) {
    const t = officeTime(ctx.plan, timeline.start + 20 * DAY, timeline.end - 5 * DAY);
    const inviters = world.portalUsers.filter(
      (u) => u.portalAdmin && isActiveAt(u, t) && isActiveAt(u, t + 3 * DAY),
    );
    if (!inviters.length) continue;
    const inviter = ctx.plan.pick(inviters);
    const account: SeedAccount = inviter.account!;
    const name = names.pop()!;
    const colleague: SeedUser = {
      id: 0,
      email: `${emailLocalPart(name)}@${account.domain}`,
      name,
      roles: [{ from: 0, role: account.type }],
      account,
      portalAdmin: false,
      ip: inviter.ip,
      ipv6: `${inviter.ipv6}0`,
      userAgent: ctx.plan.pick(BROWSERS),
      utcOffset: account.utcOffset,
      timeZones: inviter.timeZones,
      invitedAt: t,
      activeFrom: later(ctx.plan, t, 30, 30 * 60),
      activeUntil: Infinity,
    };
    account.users.push(colleague);
    planInvitation(ctx, colleague, inviter);
    if (i % 3 === 2) {
      const leaves = officeTime(ctx.plan, colleague.activeFrom! + 2 * DAY, timeline.end - DAY);
      if (leaves > colleague.activeFrom! && isActiveAt(inviter, leaves)) {
        colleague.activeUntil = leaves;
        timeline.at(leaves, async (at) => {
          await disableUser(ctx, ctx.actors.portal(inviter, at), colleague.id);
        });
      }
    }
  }
}

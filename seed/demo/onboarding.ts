/**
 * Carriers and customers join over the first two months: each account is created by staff,
 * then its ingress routes, then its portal users are invited and sign in.
 */
import type { ActorContext } from "@/lib/audit/actor";
import { carrierOfficeIp, hostIn } from "./addresses";
import { later, officeTime } from "./clock";
import type { SeedContext } from "./context";
import {
  CARRIERS,
  CUSTOMERS,
  PORTAL_PEOPLE,
  TIME_ZONES,
  type CarrierSpec,
  type CustomerSpec,
} from "./names";
import { BROWSERS, SIP_USER_AGENTS, emailLocalPart } from "@/seed/words";
import { accountStatusChange, disableUser } from "./operations";
import { planInvitation, planOwnTimeZone } from "./people";
import { roundTo } from "./values";
import { DAY, HOUR, MINUTE } from "./timeline";
import { isActiveAt, roleAt, type SeedAccount, type SeedIngress, type SeedUser } from "./world";

/** The two demo portal sign-ins (PRODUCT.md §8) and who they are. */
const DEMO_PORTAL_USERS: Record<string, { name: string; email: string }> = {
  "Acme Telecom": { name: "Maya Patel", email: "portal@acme.example" },
  "Zephyr Transit": { name: "Jonas Lindqvist", email: "noc@zephyr.example" },
};

/** Accounts that wait for an admin's approval after they are created. */
const NEEDS_APPROVAL = new Set(["Sahara Connect", "Kestrel Communications", "Quantum Dial"]);

const TAX_BY_COUNTRY: Record<string, string> = { GB: "20.00" };

const PRIVATE_NOTES = [
  "Pays within terms; credit reviewed quarterly.",
  "Prefers rate notifications 7 days ahead.",
  "Escalations go to the NOC first, then the account manager.",
  "Signed MSA; interconnect tested on both SBCs.",
  "Watch for short-duration traffic on mobile breakouts.",
];

const INGRESS_SHAPES: Record<
  string,
  { share: number; prefixLength: number; weight: number; note: string }
> = {
  "SBC-1": { share: 0.5, prefixLength: 0, weight: 0.45, note: "Primary SBC" },
  "SBC-2": { share: 0.3, prefixLength: 0, weight: 0.3, note: "Secondary SBC" },
  "SBC-3": { share: 0.2, prefixLength: 32, weight: 0.15, note: "Third SBC, new region" },
  CC: { share: 0.25, prefixLength: 29, weight: 0.15, note: "Call-centre traffic" },
  Retail: { share: 0.2, prefixLength: 30, weight: 0.1, note: "Retail customers (calling cards)" },
  Wholesale: { share: 0.3, prefixLength: 28, weight: 0.25, note: "Wholesale transit" },
  DR: { share: 0.1, prefixLength: 32, weight: 0.03, note: "Disaster recovery site" },
};

export function planOnboarding(ctx: SeedContext): void {
  const people = PORTAL_PEOPLE.filter(
    (n) => !Object.values(DEMO_PORTAL_USERS).some((d) => d.name === n),
  );
  const nextPerson = () => {
    const name = people.shift();
    if (!name) throw new Error("out of portal user names");
    return name;
  };
  const techPrefixes = ctx.plan.sample(
    Array.from({ length: 90 }, (_, i) => `${4100 + i * 7}#`),
    90,
  );

  CARRIERS.forEach((spec, i) => planCarrier(ctx, spec, i, nextPerson));
  for (const spec of CUSTOMERS) planCustomer(ctx, spec, nextPerson, techPrefixes);
  planThrowawayAccount(ctx, techPrefixes);
}

/** Staff who may manage accounts at `t`: admins and support who are active by then. */
export function accountStaff(ctx: SeedContext, t: number): SeedUser[] {
  return [...ctx.world.staff.values()].filter(
    (u) => isActiveAt(u, t) && ["admin", "support"].includes(roleAt(u, t)),
  );
}

function onboardTime(ctx: SeedContext, day: number): number {
  const from = ctx.timeline.start + day * DAY;
  return officeTime(ctx.plan, from, from + DAY);
}

function planCarrier(ctx: SeedContext, spec: CarrierSpec, index: number, nextPerson: () => string) {
  const createdAt = onboardTime(ctx, spec.onboardDay);
  const account = newAccount(ctx, "carrier", spec, createdAt);
  account.carrier = spec;
  const creator = ctx.plan.pick(accountStaff(ctx, createdAt));
  const unlimited = ctx.plan.chance(0.6);
  const portalPassword = ctx.plan.alnum(18);
  const manager = ctx.plan.pick(accountStaff(ctx, createdAt));
  const notesPrivate = ctx.plan.pick(PRIVATE_NOTES);
  ctx.timeline.at(createdAt, async (at) => {
    const row = await ctx.write.create(ctx.actors.staff(creator, at), "accounts", {
      type: "carrier",
      name: spec.name,
      status: "active",
      currency: spec.currency,
      channels: unlimited ? 0 : 3000,
      cps: unlimited ? 0 : 150,
      billingEmail: `billing@${spec.domain}`,
      country: spec.country,
      accountManagerUserId: manager.id,
      notesPrivate,
      carrierPortalUrl: `https://portal.${spec.domain}`,
      carrierPortalUsername: "northbridge-noc",
      carrierPortalPassword: portalPassword,
    });
    account.id = row.id;
  });
  const demo = DEMO_PORTAL_USERS[spec.name];
  const name = demo?.name ?? nextPerson();
  planPortalUser(ctx, account, creator, {
    name,
    email: demo?.email ?? `noc@${spec.domain}`,
    ip: carrierOfficeIp(index),
    invitedAt: later(ctx.plan, createdAt, 30, 180),
    accepts: true,
  });
}

function planCustomer(
  ctx: SeedContext,
  spec: CustomerSpec,
  nextPerson: () => string,
  techPrefixes: string[],
) {
  const createdAt = onboardTime(ctx, spec.onboardDay);
  const account = newAccount(ctx, "customer", spec, createdAt);
  account.customer = spec;
  const creator = ctx.plan.pick(accountStaff(ctx, createdAt));
  const manager = ctx.plan.pick(accountStaff(ctx, createdAt));
  const pending = NEEDS_APPROVAL.has(spec.name);
  const prepaid = spec.creditLimit === 0;
  const balance = (prepaid ? ctx.plan.between(500, 6000) : ctx.plan.between(-400, 2500)).toFixed(2);
  const dailySpendLimit = prepaid || ctx.plan.chance(0.3) ? String(spec.channels * 5) : null;
  const notePublic = ctx.plan.chance(0.5) ? "Rate notifications are sent every Monday." : null;
  const notePrivate = ctx.plan.pick(PRIVATE_NOTES);
  ctx.timeline.at(createdAt, async (at) => {
    const row = await ctx.write.create(ctx.actors.staff(creator, at), "accounts", {
      type: "customer",
      name: spec.name,
      status: pending ? "pending_approval" : "active",
      currency: spec.currency,
      balance,
      creditLimit: String(spec.creditLimit),
      channels: spec.channels,
      cps: spec.cps,
      dailySpendLimit,
      taxPct: TAX_BY_COUNTRY[spec.country] ?? "0",
      billingEmail: `billing@${spec.domain}`,
      address: spec.address,
      country: spec.country,
      accountManagerUserId: manager.id,
      notesPublic: notePublic,
      notesPrivate: notePrivate,
    });
    account.id = row.id;
  });

  const sipUserAgent = ctx.plan.pick(SIP_USER_AGENTS);
  let t = createdAt;
  for (const suffix of spec.ingress) {
    t = later(ctx.plan, t, 4, 25);
    const shape = INGRESS_SHAPES[suffix]!;
    const ingress: SeedIngress = {
      id: 0,
      account,
      name: `${spec.short}-${suffix}`,
      techPrefix: techPrefixes.pop()!,
      cidrs: [
        shape.prefixLength
          ? ctx.cidrs.allocate(shape.prefixLength)
          : ctx.cidrs.allocateTypical(ctx.plan),
      ],
      channels: roundTo(spec.channels * shape.share, 10),
      cps: Math.max(1, Math.round(spec.cps * shape.share)),
      createdAt: t,
      deletedAt: Infinity,
      weight: shape.weight,
      sipUserAgent: ctx.plan.chance(0.8) ? sipUserAgent : ctx.plan.pick(SIP_USER_AGENTS),
      codec: ["US", "CA"].includes(spec.country) ? "PCMU" : ctx.plan.chance(0.15) ? "G729" : "PCMA",
      transport: ctx.plan.weighted(
        ["UDP", "TCP", "TLS"] as const,
        (x) => ({ UDP: 8, TCP: 1, TLS: 1 })[x],
      ),
    };
    account.ingress.push(ingress);
    planIngressCreate(ctx, ingress, {
      maxDurationS: suffix === "CC" ? 3600 : 7200,
      notes: `${shape.note}.`,
      actor: (at) => ctx.actors.staff(creator, at),
    });
  }

  const approvedAt = later(ctx.plan, createdAt, 18 * 60, 30 * 60);
  if (pending && spec.onboardDay < 80) {
    const approver = ctx.world.staffUser("ada");
    ctx.timeline.at(approvedAt, async (at) => {
      await ctx.write.update(
        ctx.actors.staff(approver, at),
        "accounts",
        account.id,
        { status: "active" },
        accountStatusChange("active"),
      );
    });
  }

  const demo = DEMO_PORTAL_USERS[spec.name];
  for (let i = 0; i < spec.portalUsers; i++) {
    const name = i === 0 && demo ? demo.name : nextPerson();
    const email = i === 0 && demo ? demo.email : `${emailLocalPart(name)}@${spec.domain}`;
    const invitedAt = later(ctx.plan, pending ? approvedAt : createdAt, 40 + i * 90, 240 + i * 90);
    if (spec.name === "Acme Telecom" && i === 1) {
      // A typo in the address: the invitation bounces and whoever sent it deletes the user.
      planMistakenInvitation(
        ctx,
        account,
        creator,
        name,
        email.replace(".example", ".exmaple"),
        invitedAt - 20 * MINUTE,
      );
    }
    planPortalUser(ctx, account, creator, {
      name,
      email,
      invitedAt,
      accepts: spec.onboardDay < 80,
    });
  }
}

function newAccount(
  ctx: SeedContext,
  type: "customer" | "carrier",
  spec: CustomerSpec | CarrierSpec,
  createdAt: number,
): SeedAccount {
  const account: SeedAccount = {
    id: 0,
    type,
    name: spec.name,
    short: spec.short,
    domain: spec.domain,
    country: spec.country,
    currency: spec.currency,
    utcOffset: "utcOffset" in spec ? spec.utcOffset : 0,
    createdAt,
    deletedAt: Infinity,
    closedAt: Infinity,
    ingress: [],
    users: [],
  };
  ctx.world.accounts.push(account);
  return account;
}

export function planIngressCreate(
  ctx: SeedContext,
  ingress: SeedIngress,
  options: {
    maxDurationS: number;
    notes: string | null;
    actor: (at: Date) => ActorContext;
    action?: "CREATE" | "POST";
  },
): void {
  ctx.timeline.at(ingress.createdAt, async (at) => {
    const row = await ctx.write.create(
      options.actor(at),
      "ingress_routes",
      {
        accountId: ingress.account.id,
        name: ingress.name,
        techPrefix: ingress.techPrefix,
        allowedIps: ingress.cidrs,
        channels: ingress.channels,
        cps: ingress.cps,
        maxDurationS: options.maxDurationS,
        notes: options.notes,
      },
      { action: options.action ?? "CREATE" },
    );
    ingress.id = row.id;
  });
}

/**
 * Plans a portal user: invited by staff, accepted within a day or two, time zone set. An
 * account's first user is its portal administrator (the two demo sign-ins are first); the rest
 * are not, so every role of the portal shows up in the demo.
 */
function planPortalUser(
  ctx: SeedContext,
  account: SeedAccount,
  inviter: SeedUser,
  options: { name: string; email: string; invitedAt: number; accepts: boolean; ip?: string },
): SeedUser {
  const n = account.users.length + 1;
  // Customers' staff sit behind the same NAT as their SBCs.
  const firstIngress = account.ingress[0]!;
  const user: SeedUser = {
    id: 0,
    email: options.email,
    name: options.name,
    roles: [{ from: 0, role: account.type }],
    account,
    portalAdmin: n === 1,
    ip: options.ip ?? hostIn(firstIngress.cidrs[0]!, ctx.plan),
    ipv6: `2001:db8:${(0x100 + ctx.world.accounts.indexOf(account)).toString(16)}::${n}`,
    userAgent: ctx.plan.pick(BROWSERS),
    utcOffset: account.utcOffset,
    timeZones: TIME_ZONES[account.country] ?? ["UTC"],
    invitedAt: options.invitedAt,
    activeFrom: options.accepts ? later(ctx.plan, options.invitedAt, 20, 36 * 60) : null,
    activeUntil: Infinity,
  };
  account.users.push(user);
  planInvitation(ctx, user, inviter);
  if (user.activeFrom !== null && ctx.plan.chance(0.8)) {
    planOwnTimeZone(ctx, user, later(ctx.plan, user.activeFrom, 4, 50));
  }
  return user;
}

/** An invitation sent to a mistyped address; the user is disabled a few minutes later. */
function planMistakenInvitation(
  ctx: SeedContext,
  account: SeedAccount,
  by: SeedUser,
  name: string,
  email: string,
  t: number,
) {
  const ghost: SeedUser = {
    id: 0,
    email,
    name,
    roles: [{ from: 0, role: account.type }],
    account,
    ip: "",
    ipv6: "",
    userAgent: "",
    utcOffset: 0,
    timeZones: [],
    invitedAt: t,
    activeFrom: null,
    activeUntil: t + 12 * MINUTE,
  };
  planInvitation(ctx, ghost, by);
  ctx.timeline.at(ghost.activeUntil, async (at) => {
    await disableUser(ctx, ctx.actors.staff(by, at), ghost.id);
  });
}

/** Support tries the account form on a test customer, then an admin cleans up the next day. */
function planThrowawayAccount(ctx: SeedContext, techPrefixes: string[]) {
  const sofia = ctx.world.staffUser("sofia");
  const ada = ctx.world.staffUser("ada");
  const createdAt = onboardTime(ctx, 15);
  const account: SeedAccount = {
    id: 0,
    type: "customer",
    name: "QA Test Customer",
    short: "QA",
    domain: "qa.example",
    country: "US",
    currency: "USD",
    utcOffset: 0,
    createdAt,
    deletedAt: createdAt + DAY + 2 * HOUR,
    closedAt: createdAt + DAY + 2 * HOUR,
    ingress: [],
    users: [],
  };
  ctx.timeline.at(createdAt, async (at) => {
    const row = await ctx.write.create(ctx.actors.staff(sofia, at), "accounts", {
      type: "customer",
      name: account.name,
      status: "pending_approval",
      billingEmail: "qa@qa.example",
      country: "US",
      notesPrivate: "Test record for form checks, delete after use.",
    });
    account.id = row.id;
  });
  const ingress: SeedIngress = {
    id: 0,
    account,
    name: "QA-Test-1",
    techPrefix: techPrefixes.pop()!,
    cidrs: [ctx.cidrs.allocate(32)],
    channels: 10,
    cps: 1,
    createdAt: createdAt + 6 * MINUTE,
    deletedAt: account.deletedAt - 5 * MINUTE,
    weight: 0,
    sipUserAgent: "",
    codec: "PCMU",
    transport: "UDP",
  };
  planIngressCreate(ctx, ingress, {
    maxDurationS: 600,
    notes: "Test only",
    actor: (at) => ctx.actors.staff(sofia, at),
  });
  ctx.timeline.at(ingress.deletedAt, async (at) => {
    await ctx.write.delete(ctx.actors.staff(ada, at), "ingress_routes", ingress.id);
  });
  ctx.timeline.at(account.deletedAt, async (at) => {
    await ctx.write.delete(ctx.actors.staff(ada, at), "accounts", account.id);
  });
}

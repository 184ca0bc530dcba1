/**
 * Day-to-day work of the staff in the Control Panel: limits raised and lowered, SBC addresses
 * added, accounts suspended and restored, users promoted and disabled. Each change is computed
 * from the record as it stands when it is applied, so the history and the final state agree.
 */
import type { ActorContext } from "@/lib/audit/actor";
import { accountStatusMessage } from "@/lib/accounts/set-account-status";
import { roleChangedMessage, userStatusMessage } from "@/lib/users/messages";
import { accountFieldsMessage, audienceFieldsMessage } from "@/lib/cdrs/settings-messages";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import {
  columnOverrideRemovedMessage,
  columnPermissionsMessage,
} from "@/lib/visibility/set-column-permissions";
import { planDestinationImport } from "./bootstrap";
import { later, officeTime } from "./clock";
import type { SeedContext } from "./context";
import { DECK_V2_ADDITIONS } from "./destinations";
import { accountStaff } from "./onboarding";
import { planPasswordReset } from "./people";
import { DAY, HOUR, MINUTE } from "./timeline";
import { isActiveAt, type SeedAccount, type SeedIngress, type SeedUser } from "./world";
import { nudge } from "./values";
import type { Patch, RowOf } from "./writer";

type AccountRow = RowOf<"accounts">;
type IngressRow = RowOf<"ingress_routes">;

const num = (v: string | number) => Number(v);
/** "2026-05-04 14:05 UTC": keeps repeated notes distinct, so each save is a real change. */
export const stamp = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const money = (v: number) => v.toFixed(2);

/** Stories with a fixed place in the demo, named so the walkthrough can point at them. */
export function planStaffStories(ctx: SeedContext): void {
  const { world, timeline } = ctx;
  const day = (d: number) =>
    officeTime(ctx.plan, timeline.start + d * DAY, timeline.start + (d + 1) * DAY);
  const ada = world.staffUser("ada");
  const sofia = world.staffUser("sofia");
  const tomas = world.staffUser("tomas");
  const derek = world.staffUser("derek");
  const hannah = world.staffUser("hannah");

  // Tomás is promoted to admin; Derek leaves the company and is disabled.
  const promotedAt = day(45);
  tomas.roles.push({ from: promotedAt, role: "admin" });
  timeline.at(promotedAt, async (at) => {
    await ctx.write.update(
      ctx.actors.staff(ada, at),
      "users",
      tomas.id,
      { role: "admin" },
      { message: (b, a) => roleChangedMessage(a!, b!.role, "admin") },
    );
  });
  derek.activeUntil = day(60);
  timeline.at(derek.activeUntil, async (at) => {
    await disableUser(ctx, ctx.actors.staff(ada, at), derek.id);
  });

  // A fraud investigation: support gets the IP column for a while, then loses it again.
  const overrideFrom = day(25);
  let overrideId = 0;
  timeline.at(overrideFrom, async (at) => {
    const columns = [...AUDIT_COLUMN_KEYS];
    const row = await ctx.write.create(
      ctx.actors.staff(ada, at),
      "column_permissions",
      { surface: "audit", userId: hannah.id, columns },
      { message: () => columnPermissionsMessage({ userId: hannah.id }, columns, null) },
    );
    overrideId = row.id;
  });
  timeline.at(day(38), async (at) => {
    await ctx.write.delete(ctx.actors.staff(ada, at), "column_permissions", overrideId, {
      message: () => columnOverrideRemovedMessage(hannah.id),
    });
  });

  // CDR fields: answer and end times for every customer; quality metrics for Acme only.
  timeline.at(day(20), async (at) => {
    const id = world.cdrFieldSettingIds.get("customer")!;
    await ctx.write.update(
      ctx.actors.staff(ada, at),
      "cdr_field_settings",
      id,
      (before) => ({
        fields: [
          ...before.fields!.slice(0, 1),
          "answer_time",
          "end_time",
          ...before.fields!.slice(1),
        ],
      }),
      { message: (before, after) => audienceFieldsMessage("customer", before, after!) },
    );
  });
  timeline.at(day(40), async (at) => {
    const acme = world.account("Acme Telecom");
    await ctx.write.create(
      ctx.actors.staff(ada, at),
      "cdr_field_settings",
      { accountId: acme.id, added: ["ingress_id", "codec", "mos", "jitter", "packet_loss"] },
      { message: (_before, after) => accountFieldsMessage(acme, null, after!) },
    );
  });

  // Account status: an unpaid invoice, a fraud penalty, a churned customer, an ended contract.
  planStatus(ctx, "Nimbus Telecom", sofia, day(72), "suspended", day(75));
  planStatus(ctx, "Andes Telecom", ada, day(55), "penalty", day(58));
  const churn = day(78);
  planStatus(ctx, "Cobalt Voice", ada, churn, "inactive", null);
  for (const [i, ingress] of world.account("Cobalt Voice").ingress.entries()) {
    timeline.at(churn + (i + 1) * MINUTE, async (at) => {
      await ctx.write.update(ctx.actors.staff(ada, at), "ingress_routes", ingress.id, {
        status: "disabled",
      });
    });
  }
  for (const user of world.account("Cobalt Voice").users) {
    const at = churn + 10 * MINUTE;
    if (user.activeFrom !== null && user.activeFrom < at) {
      user.activeUntil = at;
      timeline.at(at, async (when) => {
        await disableUser(ctx, ctx.actors.staff(ada, when), user.id);
      });
    }
  }
  planStatus(ctx, "Orion Global Voice", tomas, day(65), "inactive", null);

  // The rate deck is revised: new countries, a renamed one, a withdrawn range.
  planDeckUpdate(ctx, day(52));

  // Support resets forgotten passwords of portal users.
  for (let i = 0; i < ctx.count(10, 2); i++) {
    const t = officeTime(ctx.plan, timeline.start + 20 * DAY, timeline.end - DAY);
    const users = world.portalUsers.filter((u) => isActiveAt(u, t) && isActiveAt(u, t + DAY));
    const staff = accountStaff(ctx, t);
    if (users.length && staff.length)
      planPasswordReset(ctx, ctx.plan.pick(users), ctx.plan.pick(staff), t);
  }
}

/** setUserStatus (lib/users): disabled, any pending link voided. */
export async function disableUser(ctx: SeedContext, actor: ActorContext, id: number) {
  await ctx.write.update(
    actor,
    "users",
    id,
    { status: "disabled", passwordTokenHash: null, passwordTokenExpiresAt: null },
    { message: (_b, a) => userStatusMessage("disabled", a!) },
  );
}

/**
 * A status change. Suspending and reactivating are setAccountStatus's (lib/accounts), worded as
 * it words them; the other statuses have no verb of their own and read as an edit of the field.
 */
export function accountStatusChange(status: AccountRow["status"]) {
  return status === "active" || status === "suspended"
    ? {
        message: (b: AccountRow | null, a: AccountRow | null) =>
          accountStatusMessage(status, a!.id, b, a),
      }
    : {};
}

function planStatus(
  ctx: SeedContext,
  accountName: string,
  by: SeedUser,
  t: number,
  status: AccountRow["status"],
  restoreAt: number | null,
) {
  const account = ctx.world.account(accountName);
  if (restoreAt === null) account.closedAt = t;
  ctx.timeline.at(t, async (at) => {
    await ctx.write.update(
      ctx.actors.staff(by, at),
      "accounts",
      account.id,
      { status },
      accountStatusChange(status),
    );
  });
  if (restoreAt !== null) {
    ctx.timeline.at(restoreAt, async (at) => {
      await ctx.write.update(
        ctx.actors.staff(by, at),
        "accounts",
        account.id,
        { status: "active" },
        accountStatusChange("active"),
      );
    });
  }
}

function planDeckUpdate(ctx: SeedContext, t: number) {
  const file = "northbridge-deck-v2.csv";
  planDestinationImport(ctx, t, DECK_V2_ADDITIONS, file);
  ctx.timeline.at(t + 10 * MINUTE, async (at) => {
    const actor = () => ctx.actors.system(at, "System", `rate deck import: ${file}`);
    for (const prefix of ["225", "22501", "22505", "22507"]) {
      const id = ctx.world.destinationIds.get(prefix)!;
      await ctx.write.update(actor(), "destinations", id, (before) => ({
        name: before.name.replace("Ivory Coast", "Côte d'Ivoire"),
        country: "Côte d'Ivoire",
      }));
    }
    await ctx.write.delete(actor(), "destinations", ctx.world.destinationIds.get("4476")!);
    ctx.world.destinationIds.delete("4476");
  });
}

/** Routine edits of accounts and ingress routes by admins and support. */
export function planStaffRoutine(ctx: SeedContext): void {
  const { timeline, world } = ctx;
  const from = timeline.start + 3 * DAY;

  for (let i = 0; i < ctx.count(480); i++) {
    const t = officeTime(ctx.plan, from, timeline.end - HOUR);
    const accounts = world.accounts.filter((a) => a.createdAt < t - HOUR && a.deletedAt > t);
    const staff = accountStaff(ctx, t);
    if (!accounts.length || !staff.length) continue;
    const account = ctx.plan.weighted(accounts, (a) => (a.type === "customer" ? 4 : 1));
    const by = ctx.plan.pick(staff);
    const change = pickAccountChange(ctx, account, t);
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.staff(by, at), "accounts", account.id, change);
    });
  }

  for (let i = 0; i < ctx.count(440); i++) {
    const t = officeTime(ctx.plan, from, timeline.end - HOUR);
    const routes = world.accounts.flatMap((a) =>
      a.closedAt > t
        ? a.ingress.filter(
            (r) => r.createdAt < t - HOUR && r.deletedAt === Infinity && r.weight > 0,
          )
        : [],
    );
    const staff = accountStaff(ctx, t);
    if (!routes.length || !staff.length) continue;
    const ingress = ctx.plan.weighted(routes, (r) => r.weight + 0.2);
    const by = ctx.plan.pick(staff);
    if (ctx.plan.chance(0.05)) {
      planMaintenance(ctx, ingress, by, t);
      continue;
    }
    const change = pickIngressChange(ctx, ingress);
    timeline.at(t, async (at) => {
      await ctx.write.update(ctx.actors.staff(by, at), "ingress_routes", ingress.id, change);
    });
  }
}

/** A route taken out of service for an SBC upgrade and put back a few hours later. */
function planMaintenance(ctx: SeedContext, ingress: SeedIngress, by: SeedUser, t: number) {
  const back = later(ctx.plan, t, 45, 300);
  const restorer = isActiveAt(by, back) ? by : ctx.world.staffUser("ada");
  ctx.timeline.at(t, async (at) => {
    await ctx.write.update(
      ctx.actors.staff(by, at),
      "ingress_routes",
      ingress.id,
      (before): Patch<"ingress_routes"> =>
        before.status === "active"
          ? { status: "disabled" }
          : { notes: `SBC upgrade scheduled ${stamp(at)}.` },
    );
  });
  ctx.timeline.at(back, async (at) => {
    await ctx.write.update(
      ctx.actors.staff(restorer, at),
      "ingress_routes",
      ingress.id,
      (before): Patch<"ingress_routes"> =>
        before.status === "disabled"
          ? { status: "active" }
          : { notes: `SBC upgraded ${stamp(at)}.` },
    );
  });
}

const NEW_PRIVATE_NOTES = [
  "Credit raised after the quarterly review.",
  "Disputed invoice settled; monitor short calls.",
  "Requested higher CPS for a campaign next month.",
  "Payment received late twice; keep limits as they are.",
  "NOC contact changed; see the account's portal users.",
  "Traffic shifting to the secondary SBC during migration.",
];

/** A change to an account, decided now, applied to whatever the account holds then. */
function pickAccountChange(
  ctx: SeedContext,
  account: SeedAccount,
  t: number,
): (before: AccountRow) => Patch<"accounts"> {
  const kinds =
    account.type === "customer"
      ? ([
          "creditLimit",
          "creditLimit",
          "creditLimit",
          "channels",
          "cps",
          "dailySpend",
          "notes",
          "manager",
          "billingEmail",
        ] as const)
      : (["channels", "cps", "notes", "manager", "portalPassword", "billingEmail"] as const);
  const kind = ctx.plan.pick(kinds);
  const factor = ctx.plan.pick([0.75, 0.8, 0.9, 1.1, 1.2, 1.25, 1.5]);
  const note = ctx.plan.pick(NEW_PRIVATE_NOTES);
  const mailbox = ctx.plan.pick(["accounts", "ap", "finance", "billing", "invoices"]);
  const password = ctx.plan.alnum(18);
  const managers = accountStaff(ctx, t);
  const pick = ctx.plan.next();
  const base = account.customer ?? { creditLimit: 1000, channels: 3000, cps: 150 };
  return (before) => {
    switch (kind) {
      case "creditLimit": {
        const old = num(before.creditLimit);
        return {
          creditLimit: money(old === 0 ? 500 : nudge(old, base.creditLimit || 1000, factor, 50)),
        };
      }
      case "channels": {
        const old = before.channels;
        return { channels: old === 0 ? 2000 : nudge(old, base.channels, factor, 10) };
      }
      case "cps": {
        return { cps: before.cps === 0 ? 100 : nudge(before.cps, base.cps, factor, 1) };
      }
      case "dailySpend": {
        const old = before.dailySpendLimit === null ? null : num(before.dailySpendLimit);
        return {
          dailySpendLimit:
            old === null
              ? money(before.channels * 5)
              : money(nudge(old, before.channels * 5, factor, 100)),
        };
      }
      case "notes":
        return { notesPrivate: before.notesPrivate === note ? `${note} (confirmed)` : note };
      case "manager":
        const others = managers.filter((m) => m.id !== before.accountManagerUserId);
        const next = others[Math.floor(pick * others.length)];
        return next ? { accountManagerUserId: next.id } : { notesPrivate: `${note} (reviewed)` };
      case "billingEmail": {
        const next = `${mailbox}@${account.domain}`;
        return {
          billingEmail: next === before.billingEmail ? `billing-team@${account.domain}` : next,
        };
      }
      case "portalPassword":
        return { carrierPortalPassword: password };
    }
  };
}

/** A change to an ingress route: its SBC addresses, limits or notes. */
export function pickIngressChange(
  ctx: SeedContext,
  ingress: SeedIngress,
): (before: IngressRow) => Patch<"ingress_routes"> {
  const kind = ctx.plan.weighted(
    ["addIp", "replaceIp", "removeIp", "cps", "channels", "maxDuration", "notes"] as const,
    (k) =>
      ({
        addIp: 16,
        replaceIp: 12,
        removeIp: 10,
        cps: 22,
        channels: 18,
        maxDuration: 5,
        notes: 10,
      })[k],
  );
  const block =
    kind === "addIp" || kind === "replaceIp" ? ctx.cidrs.allocateAddition(ctx.plan) : "";
  const factor = ctx.plan.pick([0.5, 0.75, 0.8, 1.2, 1.25, 1.5, 2]);
  const note = ctx.plan.pick([
    "Customer added a new SBC node.",
    "Ticket: CPS raised for a dialler campaign.",
    "Traffic moved from the old SBC cluster.",
    "Rate-limited after a short-call spike.",
    "Customer confirmed the new SBC addresses by email.",
  ]);
  return (before) => {
    switch (kind) {
      case "addIp":
        // A route keeps a handful of SBCs: past four, the oldest one is retired for the new one.
        return {
          allowedIps: [...before.allowedIps.slice(before.allowedIps.length >= 4 ? 1 : 0), block],
        };
      case "replaceIp":
        return { allowedIps: [...before.allowedIps.slice(0, -1), block] };
      case "removeIp":
        return before.allowedIps.length > 1
          ? { allowedIps: before.allowedIps.slice(0, -1) }
          : { cps: nudge(before.cps, ingress.cps, 1.25, 1) };
      case "cps":
        return { cps: nudge(before.cps, ingress.cps, factor, 1) };
      case "channels":
        return { channels: nudge(before.channels, ingress.channels, factor, 10) };
      case "maxDuration":
        return { maxDurationS: before.maxDurationS === 7200 ? 3600 : 7200 };
      case "notes":
        return { notes: before.notes === note ? `${note} Confirmed.` : note };
    }
  };
}

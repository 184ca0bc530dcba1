/**
 * Exports (GENERATE): auditors download the audit log, support and portal users download CDRs
 * and breakout reports. Nothing changes, so these are events, not row mutations.
 */
import { officeTime } from "./clock";
import type { SeedContext } from "./context";
import { DAY } from "./timeline";
import { isActiveAt, roleAt, type SeedUser } from "./world";

const AUDIT_QUERIES = [
  "table:accounts action:UPDATE",
  "table:ingress_routes",
  "action:LOGIN",
  "action:DELETE",
  "user:Portal",
  "table:api_keys",
  "ip:203.0.113.0/24",
  "table:users action:UPDATE",
  "credit limit",
];

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export function planExports(ctx: SeedContext): void {
  const { timeline, world } = ctx;
  const from = timeline.start + 5 * DAY;
  const staff = [...world.staff.values()];
  for (let i = 0; i < ctx.count(260, 3); i++) {
    const t = officeTime(ctx.plan, from, timeline.end - DAY);
    const kind = ctx.plan.weighted(
      ["audit", "staffCdr", "staffBreakout", "portalCdr", "portalBreakout"] as const,
      (k) => ({ audit: 30, staffCdr: 14, staffBreakout: 10, portalCdr: 32, portalBreakout: 14 })[k],
    );
    const days = ctx.plan.pick([1, 7, 7, 14, 30]);
    const range = `${isoDay(t - days * DAY)} to ${isoDay(t)}`;
    const format = ctx.plan.chance(0.85) ? "CSV" : "NDJSON";

    if (kind === "audit") {
      const people = staff.filter(
        (u) => isActiveAt(u, t) && ["admin", "auditor"].includes(roleAt(u, t)),
      );
      if (!people.length) continue;
      const user = ctx.plan.weighted(people, (u) => (roleAt(u, t) === "auditor" ? 4 : 1));
      const query = ctx.plan.pick(AUDIT_QUERIES);
      planExport(
        ctx,
        user,
        t,
        "audit_log",
        `Generated ${format} export of the audit log (${query}, after:${isoDay(t - days * DAY)})`,
        null,
      );
    } else if (kind === "staffCdr" || kind === "staffBreakout") {
      const people = staff.filter((u) => isActiveAt(u, t) && roleAt(u, t) !== "branding");
      const accounts = world.customers.filter((a) => a.createdAt < t - 2 * DAY);
      if (!people.length || !accounts.length) continue;
      const user = ctx.plan.pick(people);
      const account = ctx.plan.weighted(accounts, (a) => a.customer!.traffic);
      const message =
        kind === "staffCdr"
          ? `Generated CSV export of CDRs of ${account.name}, ${range}`
          : `Generated breakout report export by destination, ${range}`;
      planExport(ctx, user, t, "cdrs", message, kind === "staffCdr" ? () => account.id : null);
    } else {
      const people = world.portalUsers.filter((u) => isActiveAt(u, t));
      if (!people.length) continue;
      const user = ctx.plan.pick(people);
      const message =
        kind === "portalCdr"
          ? `Generated ${format} export of CDRs, ${range}`
          : `Generated breakout report export, ${range}`;
      planExport(ctx, user, t, "cdrs", message, () => user.account!.id);
    }
  }
}

function planExport(
  ctx: SeedContext,
  user: SeedUser,
  t: number,
  tableName: "audit_log" | "cdrs",
  message: string,
  accountId: (() => number) | null,
) {
  ctx.timeline.at(t, async (at) => {
    await ctx.write.event(ctx.actors.user(user, at), {
      action: "GENERATE",
      tableName,
      message,
      accountId: accountId ? accountId() : null,
      relatedIds: [`user:${user.id}`],
    });
  });
}

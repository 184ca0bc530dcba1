/**
 * Exports (GENERATE): admins and auditors download the audit log. The product writes an entry
 * only for audit-log exports (lib/audit-http/export-response.ts), naming what narrowed the
 * export as the exporter's viewer policy reads their query; the seed asks the same functions.
 */
import { auditExportMessage } from "@/lib/audit-http/export-message";
import { countAuditEntries } from "@/lib/audit/queries/audit-log";
import { parseAuditPageParams } from "@/lib/search/audit-page-params";
import { auditQueryFor, auditViewerPolicy } from "@/lib/visibility/viewer-policy";
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
  // Audit exports were about 30% of the exports the seed once wrote (CDR and breakout exports
  // write no entry in the product); the same share of draws keeps the rest of the story.
  for (let i = 0; i < ctx.count(80, 2); i++) {
    const t = officeTime(ctx.plan, from, timeline.end - DAY);
    const days = ctx.plan.pick([1, 7, 7, 14, 30]);
    const format = ctx.plan.chance(0.85) ? "csv" : "ndjson";
    const people = staff.filter(
      (u) => isActiveAt(u, t) && ["admin", "auditor"].includes(roleAt(u, t)),
    );
    if (!people.length) continue;
    const user = ctx.plan.weighted(people, (u) => (roleAt(u, t) === "auditor" ? 4 : 1));
    const query = `${ctx.plan.pick(AUDIT_QUERIES)} after:${isoDay(t - days * DAY)}`;
    planExport(ctx, user, t, format, query);
  }
}

function planExport(
  ctx: SeedContext,
  user: SeedUser,
  t: number,
  format: "csv" | "ndjson",
  q: string,
) {
  ctx.timeline.at(t, async (at) => {
    const policy = await auditViewerPolicy(ctx.write.db, {
      id: user.id,
      role: roleAt(user, at.getTime()),
      timeZone: "UTC",
      accountId: null,
    });
    if (!policy?.canExport) throw new Error(`seed: ${user.email} may not export the audit log`);
    const { narrowedBy, where } = auditQueryFor(policy, parseAuditPageParams({ q }));
    // The product writes the entry when the export ends, with the rows it wrote.
    const { count: rows } = await countAuditEntries(ctx.write.db, policy.scope, where);
    await ctx.write.event(ctx.actors.user(user, at), {
      action: "GENERATE",
      tableName: "audit_log",
      accountId: null,
      message: auditExportMessage(format, narrowedBy, { rows, cancelled: false }),
    });
  });
}

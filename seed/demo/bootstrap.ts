import { defaultCdrFields } from "@/lib/cdrs/fields";
import { audienceFieldsMessage } from "@/lib/cdrs/settings-messages";
/**
 * Day 0 of the demo platform: the first admin (as `npm run create-admin` makes one), operator
 * settings, the branding draft, visibility defaults, the rate deck, and the staff invitations.
 */
import type { StaffRole } from "@/db/schema";
import { defaultAuditColumns } from "@/lib/visibility/audit-columns";
import { columnPermissionsMessage } from "@/lib/visibility/set-column-permissions";
import { later, officeTime } from "./clock";
import type { SeedContext } from "./context";
import { buildDestinations, type DestinationSpec } from "./destinations";
import { STAFF } from "./names";
import { planInvitation, planOwnTimeZone, planSignIn } from "./people";
import { DAY, HOUR, MINUTE } from "./timeline";
import type { SeedUser } from "./world";

/** CDR fields shown by default (the D column of DOMAIN.md's CDR table) per portal audience. */
const CDR_FIELDS_CUSTOMER = defaultCdrFields("customer");
const CDR_FIELDS_CARRIER = defaultCdrFields("carrier");

/** Staff roles whose audit columns the admin saves on day 0: the product's role defaults. */
const STAFF_ROLES: readonly StaffRole[] = ["admin", "auditor", "support", "branding"];

/** Plans the platform's first day and returns the admin, who does most of what follows. */
export function planBootstrap(ctx: SeedContext): SeedUser {
  const { timeline, world, plan } = ctx;
  const t0 = timeline.start + 10 * MINUTE;

  for (const spec of STAFF) {
    const invitedAt =
      spec.invitedOnDay === 0
        ? t0 + (spec.role === "admin" ? 0 : 50 * MINUTE)
        : officeTime(
            plan,
            timeline.start + spec.invitedOnDay * DAY,
            timeline.start + (spec.invitedOnDay + 1) * DAY,
            0,
          );
    world.staff.set(spec.key, {
      id: 0,
      email: spec.email,
      name: spec.name,
      roles: [{ from: 0, role: spec.role }],
      account: null,
      ip: spec.ip,
      ipv6: spec.ipv6,
      userAgent: spec.userAgent,
      utcOffset: spec.utcOffset,
      timeZones: [spec.timeZone],
      invitedAt,
      // The last one invited has not accepted yet: the demo shows a pending invitation.
      activeFrom:
        spec.role === "admin" && spec.invitedOnDay === 0
          ? t0
          : spec.invitedOnDay >= 80
            ? null
            : later(plan, invitedAt, 25, 20 * 60),
      activeUntil: Infinity,
    });
  }
  const ada = world.staffUser("ada");

  timeline.at(t0, async (at) => {
    const row = await ctx.write.create(ctx.actors.system(at, "create-admin"), "users", {
      email: ada.email,
      name: ada.name,
      role: "admin",
      status: "active",
      passwordHash: ctx.passwordHashes.initial,
    });
    ada.id = row.id;
  });
  timeline.at(t0 + MINUTE, async (at) => {
    const system = () => ctx.actors.system(at, "System", "first start");
    await ctx.write.create(system(), "app_settings", {
      key: "audit_comment",
      value: { controlPanel: "off", portal: "off" },
    });
    await ctx.write.create(system(), "app_settings", { key: "admin_totp_required", value: false });
    await ctx.write.create(system(), "portal_branding", { id: 1 });
  });
  planSignIn(ctx, ada, t0 + 4 * MINUTE, { ip: ada.ip });

  timeline.at(t0 + 20 * MINUTE, async (at) => {
    for (const [accountType, fields] of [
      ["customer", CDR_FIELDS_CUSTOMER],
      ["carrier", CDR_FIELDS_CARRIER],
    ] as const) {
      const row = await ctx.write.create(
        ctx.actors.staff(ada, at),
        "cdr_field_settings",
        { accountType, fields: [...fields] },
        { message: (_before, after) => audienceFieldsMessage(accountType, null, after!) },
      );
      world.cdrFieldSettingIds.set(accountType, row.id);
    }
    for (const role of STAFF_ROLES) {
      const columns = [...defaultAuditColumns(role)];
      await ctx.write.create(
        ctx.actors.staff(ada, at),
        "column_permissions",
        { surface: "audit", role, columns },
        { message: () => columnPermissionsMessage({ role }, columns, null) },
      );
    }
  });

  planDestinationImport(ctx, t0 + 30 * MINUTE, buildDestinations(), "northbridge-deck-v1.csv");

  for (const user of world.staff.values()) {
    if (user === ada) continue;
    planInvitation(ctx, user, ada);
    if (user.activeFrom !== null) planOwnTimeZone(ctx, user, later(plan, user.activeFrom, 5, 60));
  }
  planOwnTimeZone(ctx, ada, t0 + 2 * HOUR);
  return ada;
}

/** The system loads a rate deck: one CREATE per breakout, a second apart. */
export function planDestinationImport(
  ctx: SeedContext,
  t: number,
  specs: readonly DestinationSpec[],
  file: string,
): void {
  ctx.timeline.at(t, async (at) => {
    for (const [i, d] of specs.entries()) {
      const moment = new Date(at.getTime() + i * 1_000);
      const row = await ctx.write.create(
        ctx.actors.system(moment, "System", `rate deck import: ${file}`),
        "destinations",
        { prefix: d.prefix, name: d.name, country: d.country },
      );
      ctx.world.destinationIds.set(d.prefix, row.id);
    }
  });
}

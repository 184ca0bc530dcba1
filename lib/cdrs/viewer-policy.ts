import { cache } from "react";
import { sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import type { UserRole } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { getCurrentUser } from "@/lib/auth/session";
import {
  BREAKOUT_COLUMNS,
  breakoutColumn,
  type BreakoutColumnKey,
} from "@/lib/reports/breakout-columns";
import {
  CDR_FIELDS,
  cdrField,
  defaultCdrFields,
  type CdrAudience,
  type CdrFieldKey,
} from "./fields";
import { resolveLayeredColumns, type ResolvedColumns } from "./layered-columns";

/**
 * What one viewer may see of CDRs and the breakout report, decided once per request from the
 * session and the visibility settings. Every CDR read path (page, filters, record, export, report,
 * chart, API) takes this object: a field not in `fields.allowed` is never selected, filtered or
 * sorted by, and a column not in `breakout.allowed` is never computed.
 */
export type CdrScope =
  | { kind: "all" }
  | { kind: "customer"; accountId: number }
  | { kind: "carrier"; accountId: number };

export type CdrViewerPolicy = {
  viewer: { id: number; role: UserRole; timeZone: string };
  audience: CdrAudience;
  scope: CdrScope;
  fields: ResolvedColumns<CdrFieldKey> & { labels: Readonly<Record<string, string>> };
  breakout: ResolvedColumns<BreakoutColumnKey>;
};

export type CdrPolicyViewer = {
  id: number;
  role: UserRole;
  timeZone: string;
  accountId: number | null;
};

export const audienceOf = (role: UserRole): CdrAudience =>
  role === "customer" ? "customer" : role === "carrier" ? "carrier" : "staff";

/** Staff roles' CDR fields until the admin saves the role's row: `support` without the buy side. */
export function roleDefaultCdrFields(role: UserRole): CdrFieldKey[] {
  const audience = audienceOf(role);
  const defaults = defaultCdrFields(audience);
  if (role !== "support") return defaults;
  return defaults.filter((k) => {
    const side = cdrField(k).side;
    return side !== "buy" && side !== "margin";
  });
}

/** The breakout columns of a role until the admin saves its row: `support` without cost/profit. */
export function roleDefaultBreakoutColumns(role: UserRole): BreakoutColumnKey[] {
  const audience = audienceOf(role);
  return BREAKOUT_COLUMNS.filter(
    (c) => c.defaults[audience] === "D" && !(role === "support" && breakoutColumn(c.key).sensitive),
  ).map((c) => c.key);
}

type SettingsRow = {
  audience_fields: string[] | null;
  audience_labels: Record<string, string> | null;
  account_added: string[] | null;
  account_removed: string[] | null;
  account_labels: Record<string, string> | null;
  account_order: string[] | null;
  role_cdr: string[] | null;
  user_cdr: string[] | null;
  role_breakout: string[] | null;
  user_breakout: string[] | null;
  hidden_cdr: string[] | null;
  hidden_breakout: string[] | null;
};

/** Every layer of both surfaces for one viewer, in one statement. */
async function readSettings(db: DbOrTx, viewer: CdrPolicyViewer): Promise<SettingsRow> {
  const audience = audienceOf(viewer.role);
  const accountType = audience === "staff" ? null : audience;
  const accountId = audience === "staff" ? null : viewer.accountId;
  const permission = (surface: "cdr" | "breakout", subject: "role" | "user") =>
    subject === "role"
      ? sql`(select columns from column_permissions where surface = ${surface}
          and role = ${viewer.role} and user_id is null)`
      : sql`(select columns from column_permissions where surface = ${surface}
          and user_id = ${viewer.id})`;
  const hidden = (surface: "cdr" | "breakout") =>
    sql`(select hidden_columns from column_preferences where user_id = ${viewer.id}
      and surface = ${surface})`;
  const [row] = await queryRows<SettingsRow>(
    db,
    sql`select
      d.fields as audience_fields, d.labels as audience_labels,
      a.added as account_added, a.removed as account_removed, a.labels as account_labels,
      a.field_order as account_order,
      ${permission("cdr", "role")} as role_cdr, ${permission("cdr", "user")} as user_cdr,
      ${permission("breakout", "role")} as role_breakout,
      ${permission("breakout", "user")} as user_breakout,
      ${hidden("cdr")} as hidden_cdr, ${hidden("breakout")} as hidden_breakout
    from (select 1) one
    left join cdr_field_settings d
      on d.account_type = ${accountType}::account_type and d.account_id is null
    left join cdr_field_settings a on a.account_id = ${accountId}::bigint`,
  );
  return row!;
}

function scopeOf(viewer: CdrPolicyViewer): CdrScope | null {
  if (!can(viewer.role, "cdr:read")) return null;
  const audience = audienceOf(viewer.role);
  if (audience === "staff") return { kind: "all" };
  return viewer.accountId === null ? null : { kind: audience, accountId: viewer.accountId };
}

/** The one function that decides a viewer's CDR fields and breakout columns. Null: no access. */
export async function cdrViewerPolicy(
  db: DbOrTx,
  viewer: CdrPolicyViewer,
): Promise<CdrViewerPolicy | null> {
  const scope = scopeOf(viewer);
  if (!scope) return null;
  const audience = audienceOf(viewer.role);
  const s = await readSettings(db, viewer);
  const portal = audience !== "staff";
  const fields = resolveLayeredColumns(CDR_FIELDS, audience, {
    // Portal users get their account type's default; staff their role's row.
    base: portal ? s.audience_fields : s.role_cdr,
    fallback: roleDefaultCdrFields(viewer.role),
    userOverride: portal ? null : s.user_cdr,
    account: portal
      ? s.account_added && {
          added: s.account_added,
          removed: s.account_removed ?? [],
          fieldOrder: s.account_order ?? [],
        }
      : null,
    hidden: s.hidden_cdr,
  });
  const labels: Record<string, string> = {};
  for (const key of fields.allowed) {
    labels[key] = s.account_labels?.[key] ?? s.audience_labels?.[key] ?? cdrField(key).label;
  }
  const breakout = resolveLayeredColumns(BREAKOUT_COLUMNS, audience, {
    base: s.role_breakout,
    fallback: roleDefaultBreakoutColumns(viewer.role),
    userOverride: s.user_breakout,
    hidden: s.hidden_breakout,
  });
  return {
    viewer: { id: viewer.id, role: viewer.role, timeZone: viewer.timeZone },
    audience,
    scope,
    fields: { ...fields, labels },
    breakout,
  };
}

/** The signed-in viewer's CDR policy, once per request. Null: signed out or no CDR access. */
export const getCdrPolicy = cache(async (): Promise<CdrViewerPolicy | null> => {
  const user = await getCurrentUser();
  if (!user) return null;
  return cdrViewerPolicy(await getDb(), user);
});

/** For route handlers (React's cache does not reach them): the user with their policy. */
export async function loadCdrViewer() {
  const user = await getCurrentUser();
  if (!user) return { user: null, policy: null };
  return { user, policy: await cdrViewerPolicy(await getDb(), user) };
}

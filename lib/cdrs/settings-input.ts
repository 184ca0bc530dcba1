import { z } from "zod";
import type { UserRole } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { BREAKOUT_COLUMNS } from "@/lib/reports/breakout-columns";
import { CDR_FIELDS, CDR_FIELD_KEYS, type CdrAudience, type CdrFieldKey } from "./fields";
import type { ColumnSurface } from "./settings-messages";
import { audienceOf, roleDefaultBreakoutColumns, roleDefaultCdrFields } from "./viewer-policy";

/**
 * What the CDR field and breakout column forms share: how their fields parse, the "never" rule
 * (an N cell of DOMAIN.md's table cannot be granted by any setting), and each surface's catalogue.
 */

const LABEL_MAX = 40;

/** Checkboxes: absent (none ticked), one value, or several. */
export const keyList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : v ? [v] : []));

/** The record version the form was rendered with; 0 when there was no record yet. */
export const versionField = z.coerce.number().int().min(0).optional();

const labelField = z
  .string()
  .trim()
  .max(LABEL_MAX, `Keep labels to ${LABEL_MAX} characters.`)
  .optional();

/** `label.<key>` inputs, one per catalogue field. */
export const labelFields = Object.fromEntries(
  CDR_FIELD_KEYS.map((k) => [`label.${k}`, labelField]),
) as Record<`label.${CdrFieldKey}`, typeof labelField>;

/** The non-empty `label.<key>` values of a parsed form that differ from `fallback`. */
export function labelsOf(
  input: Record<string, unknown>,
  keep: (key: CdrFieldKey) => boolean,
  fallback: (key: CdrFieldKey) => string | null,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of CDR_FIELD_KEYS) {
    const value = input[`label.${key}`];
    if (typeof value === "string" && value !== "" && value !== fallback(key) && keep(key)) {
      labels[key] = value;
    }
  }
  return labels;
}

const AUDIENCE_PLURAL: Record<CdrAudience, string> = {
  customer: "customers",
  carrier: "carriers",
  staff: "staff",
};

/** '"carrier_rate" is never shown to customers.' */
export const neverShownMessage = (key: string, audience: CdrAudience) =>
  `"${key}" is never shown to ${AUDIENCE_PLURAL[audience]}.`;

type Catalogue = readonly { key: string; defaults: Record<CdrAudience, string> }[];
const CATALOGUES: Record<ColumnSurface, Catalogue> = {
  cdr: CDR_FIELDS,
  breakout: BREAKOUT_COLUMNS,
};

export const isNeverFor = (surface: ColumnSurface, key: string, audience: CdrAudience) =>
  CATALOGUES[surface].find((c) => c.key === key)?.defaults[audience] === "N";

/**
 * `keys` of a surface for an audience, in catalogue order; unknown keys, "never" cells and an
 * empty set are refused with errors on `field` (the form's checkbox name).
 */
export function checkedColumns(
  surface: ColumnSurface,
  audience: CdrAudience,
  keys: readonly string[],
  field: string,
): string[] {
  const catalogue = CATALOGUES[surface];
  const errors: string[] = [];
  for (const key of keys) {
    const column = catalogue.find((c) => c.key === key);
    if (!column) errors.push(`"${key}" is not a known ${surface === "cdr" ? "field" : "column"}.`);
    else if (column.defaults[audience] === "N") errors.push(neverShownMessage(key, audience));
  }
  if (keys.length === 0) {
    errors.push(
      surface === "cdr" ? "Leave at least one field shown." : "Leave at least one column shown.",
    );
  }
  if (errors.length > 0) {
    throw new AppError("Check the highlighted fields.", "invalid", { [field]: errors });
  }
  return catalogue.filter((c) => keys.includes(c.key)).map((c) => c.key);
}

/**
 * Whose rows a surface has: CDR fields for staff roles that read CDRs (portal users follow their
 * account's settings); breakout columns for every role that reads CDRs.
 */
export function columnSubjectRefusal(surface: ColumnSurface, role: UserRole): string | null {
  if (!can(role, "cdr:read")) return `The ${role} role does not read CDRs.`;
  if (surface === "cdr" && audienceOf(role) !== "staff") {
    return "Portal users' CDR fields follow their account's settings.";
  }
  return null;
}

/** What a role sees on a surface before the admin saves its row. */
export const roleDefaultColumns = (surface: ColumnSurface, role: UserRole): string[] =>
  surface === "cdr" ? roleDefaultCdrFields(role) : roleDefaultBreakoutColumns(role);

export const surfaceField = z.enum(["cdr", "breakout"], {
  error: "Choose CDR fields or breakout columns.",
});

import type { AccountType } from "@/db/schema";
import { BREAKOUT_COLUMNS } from "@/lib/reports/breakout-columns";
import type { PermissionSubject } from "@/lib/visibility/set-column-permissions";
import { CDR_FIELDS, cdrField, defaultCdrFields, isCdrFieldKey } from "./fields";

/**
 * The audit messages of CDR field and breakout column settings. Each reads as a field list
 * ("customer_rate: shown → hidden; codec: hidden → shown"), built from the stored rows alone, so
 * the demo seed and the settings page write the same wording for the same change.
 */

type FieldState = "shown" | "hidden" | "default";

/** "key: before → after" for every key whose state differs, in catalogue order. */
function stateChanges(
  keys: readonly string[],
  before: (key: string) => FieldState,
  after: (key: string) => FieldState,
): string[] {
  return keys.flatMap((k) => (before(k) === after(k) ? [] : [`${k}: ${before(k)} → ${after(k)}`]));
}

const CDR_KEYS: readonly string[] = CDR_FIELDS.map((f) => f.key);
const quoted = (s: string) => `"${s}"`;

/** 'label of customer_rate: "Rate" → "Price/min"'; a missing label reads as the fallback. */
function labelChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  fallback: (key: string) => string,
): string[] {
  const keys = CDR_KEYS.filter((k) => (before[k] ?? null) !== (after[k] ?? null));
  return keys.map(
    (k) =>
      `label of ${k}: ${quoted(before[k] ?? fallback(k))} → ${quoted(after[k] ?? fallback(k))}`,
  );
}

const catalogueLabel = (key: string) => (isCdrFieldKey(key) ? cdrField(key).label : key);
const BREAKOUT_KEYS: readonly string[] = BREAKOUT_COLUMNS.map((c) => c.key);

const listOrNone = (changes: string[]) => (changes.length > 0 ? changes.join("; ") : "no changes");

const AUDIENCE_TITLES: Record<AccountType, string> = {
  customer: "Customer",
  carrier: "Carrier",
};

type AudienceRow = { fields: readonly string[] | null; labels: Readonly<Record<string, string>> };

/**
 * "Customer CDR fields: customer_rate: shown → hidden; codec: hidden → shown". A new row is
 * compared with the catalogue's defaults, which is what the audience saw before it existed.
 */
export function audienceFieldsMessage(
  accountType: AccountType,
  before: AudienceRow | null,
  after: AudienceRow,
): string {
  const was = new Set(before?.fields ?? defaultCdrFields(accountType));
  const now = new Set(after.fields ?? []);
  const changes = [
    ...stateChanges(
      CDR_KEYS,
      (k) => (was.has(k) ? "shown" : "hidden"),
      (k) => (now.has(k) ? "shown" : "hidden"),
    ),
    ...labelChanges(before?.labels ?? {}, after.labels, catalogueLabel),
  ];
  const title = `${AUDIENCE_TITLES[accountType]} CDR fields`;
  if (before === null && changes.length === 0) return `${title}: the catalogue's defaults saved`;
  return `${title}: ${listOrNone(changes)}`;
}

type OverrideRow = {
  added: readonly string[];
  removed: readonly string[];
  labels: Readonly<Record<string, string>>;
  fieldOrder: readonly string[];
};

const EMPTY_OVERRIDE: OverrideRow = { added: [], removed: [], labels: {}, fieldOrder: [] };

const overrideState = (row: OverrideRow) => (k: string) =>
  row.added.includes(k) ? "shown" : row.removed.includes(k) ? "hidden" : "default";

function overrideChanges(before: OverrideRow, after: OverrideRow): string[] {
  const changes = [
    ...stateChanges(CDR_KEYS, overrideState(before), overrideState(after)),
    // Without an account label the field reads as its audience's: "default" says so.
    ...labelChanges(before.labels, after.labels, () => "default").map((c) =>
      c.replaceAll('"default"', "default"),
    ),
  ];
  if (before.fieldOrder.join() !== after.fieldOrder.join()) {
    const order = (o: readonly string[]) => (o.length > 0 ? o.join(", ") : "default");
    changes.push(`order: ${order(before.fieldOrder)} → ${order(after.fieldOrder)}`);
  }
  return changes;
}

/** "Acme Telecom (1042)": how an account is named in messages. */
const accountTitle = (account: { id: number; name: string }) => `${account.name} (${account.id})`;

/** "CDR fields of Acme Telecom (1042): ingress_id: default → shown". */
export const accountFieldsMessage = (
  account: { id: number; name: string },
  before: OverrideRow | null,
  after: OverrideRow,
) =>
  `CDR fields of ${accountTitle(account)}: ${listOrNone(overrideChanges(before ?? EMPTY_OVERRIDE, after))}`;

/** "Removed the CDR field override of Acme Telecom (1042): ingress_id: shown → default". */
export const accountFieldsRemovedMessage = (
  account: { id: number; name: string },
  before: OverrideRow,
) =>
  `Removed the CDR field override of ${accountTitle(account)}: ` +
  listOrNone(overrideChanges(before, EMPTY_OVERRIDE));

export type ColumnSurface = "cdr" | "breakout";

const SURFACE_TITLES: Record<ColumnSurface, string> = {
  cdr: "CDR fields",
  breakout: "Breakout columns",
};

/** "role support" or "user hannah@…": the subject of a permission row. */
export type SubjectLabel = { subject: PermissionSubject; email?: string };

const subjectTitle = ({ subject, email }: SubjectLabel) =>
  "role" in subject ? `role ${subject.role}` : `user ${email ?? subject.userId}`;

function setChanges(surface: ColumnSurface, before: readonly string[], after: readonly string[]) {
  const keys = surface === "cdr" ? CDR_KEYS : BREAKOUT_KEYS;
  return stateChanges(
    keys,
    (k) => (before.includes(k) ? "shown" : "hidden"),
    (k) => (after.includes(k) ? "shown" : "hidden"),
  );
}

/**
 * "Breakout columns of role support: cost: hidden → shown". `before` is what the subject saw:
 * its saved row, else its default (a role's defaults, or a user's role).
 */
export const columnSetMessage = (
  surface: ColumnSurface,
  who: SubjectLabel,
  before: readonly string[],
  after: readonly string[],
) =>
  `${SURFACE_TITLES[surface]} of ${subjectTitle(who)}: ${listOrNone(setChanges(surface, before, after))}`;

/**
 * "Removed the CDR field override of user hannah@…: cost: shown → hidden": `after` is what the
 * subject sees now (the role's columns, or the role's defaults).
 */
export const columnSetRemovedMessage = (
  surface: ColumnSurface,
  who: SubjectLabel,
  before: readonly string[],
  after: readonly string[],
) => {
  const noun = surface === "cdr" ? "CDR field" : "breakout column";
  const kind = "role" in who.subject ? "settings" : "override";
  const changes = setChanges(surface, before, after);
  return (
    `Removed the ${noun} ${kind} of ${subjectTitle(who)}` +
    (changes.length > 0 ? `: ${changes.join("; ")}` : "")
  );
};

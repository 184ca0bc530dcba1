import type { AuditAction } from "@/db/schema";
import type { AuditedTableDef } from "./tables";

type Row = Record<string, unknown>;

/** Labels that the camelCase rule below would get wrong. */
const FIELD_LABELS: Record<string, string> = {
  allowedIps: "allowed IPs",
  maxDurationS: "max call duration (s)",
  notesPrivate: "private notes",
  notesPublic: "public notes",
  taxPct: "tax %",
  cps: "CPS",
  totpSecret: "two-factor secret",
  passwordTokenHash: "password link",
  passwordTokenExpiresAt: "password link expiry",
  customCss: "custom CSS",
  customJs: "custom JavaScript",
  footerHtml: "footer",
  primaryColor: "primary colour",
  accentColor: "accent colour",
  logoAssetId: "logo",
  faviconAssetId: "favicon",
  showBalance: "portal balance shown",
  showCdrs: "portal CDRs shown",
  showBreakout: "portal breakout report shown",
  showAuditLog: "portal audit log shown",
  showUsers: "portal users shown",
  showContact: "portal contact details shown",
  emailSenderName: "email sender name",
  emailSenderAddress: "email sender address",
};

/** "creditLimit" → "credit limit"; acronyms a reader expects are kept upper-case. */
export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const upper = new Set(["cps", "ip", "id", "css", "js", "url", "cdr", "totp", "pk"]);
  return field
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(" ")
    .map((w) => (upper.has(w) ? w.toUpperCase() : w))
    .join(" ");
}

const IGNORED_FIELDS = new Set(["updatedAt", "createdAt", "version"]);

/** Fields whose value differs between two row snapshots, bookkeeping columns left out. */
export function changedFields(before: Row | null, after: Row | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter(
    (k) => !IGNORED_FIELDS.has(k) && JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]),
  );
}

function formatValue(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return "empty";
  if (Array.isArray(value)) {
    const text = value.join(", ");
    return text.length <= 60 ? `[${text}]` : null;
  }
  if (typeof value === "object") return null;
  const text = String(value);
  return text.length <= 40 && !text.includes("\n") ? text : null;
}

const VERB: Record<AuditAction, string> = {
  CREATE: "Created",
  POST: "Created",
  DELETE: "Deleted",
  UPDATE: "Updated",
  PUT: "Updated",
  GENERATE: "Generated",
  GET: "Read",
  PUBLISH: "Published",
  SEND: "Sent",
  LOGIN: "Signed in",
};

/**
 * The default message for a row change: names the record and, for an update, the fields changed
 * (with old and new values when a single short, non-quiet field changed).
 */
export function describeChange(
  def: AuditedTableDef,
  action: AuditAction,
  before: Row | null,
  after: Row | null,
): string {
  const row = after ?? before ?? {};
  const subject = `${def.noun(row)} ${def.name(row)}`;
  if (action !== "UPDATE" && action !== "PUT") return `${VERB[action]} ${subject}`;
  const fields = changedFields(before, after);
  if (fields.length === 0) return `Saved ${subject} with no changes`;
  // Masked fields are quiet for everyone: a message is read by every viewer of the entry.
  const masked = (def.maskedFields ?? []).flatMap((rule) => rule.fields);
  const quiet = new Set([...def.quietFields, ...def.secretFields, ...masked]);
  const [only] = fields;
  if (fields.length === 1 && only && !quiet.has(only)) {
    const from = formatValue(before?.[only]);
    const to = formatValue(after?.[only]);
    if (from !== null && to !== null) {
      return `Changed ${fieldLabel(only)} of ${subject} from ${from} to ${to}`;
    }
  }
  const labels = fields.map(fieldLabel);
  const list =
    labels.length <= 4
      ? labels.join(", ")
      : `${labels.slice(0, 3).join(", ")} and ${labels.length - 3} more`;
  return `Changed ${list} of ${subject}`;
}

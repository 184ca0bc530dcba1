import type { AuditCriteria } from "./criteria";
import { formatAuditDate } from "./query-dates";
import { isQualifierKey, QUALIFIER_KEYS, type QualifierKey } from "./query-language";

/**
 * Writes queries in the search language: criteria back into the search box's text, and column
 * filters into the same language so that one parser checks both.
 */

/** A query's terms as text, before the parser has checked them. */
export type AuditQueryTerms = Partial<Record<QualifierKey, readonly (string | number)[]>> & {
  text?: readonly string[];
};

/** Qualifier values need quotes when they hold what would end a bare value. */
function formatValue(value: string): string {
  const clean = value.replaceAll('"', ""); // the language has no escape for a quote
  return /[\s,]/.test(clean) || clean === "" ? `"${clean}"` : clean;
}

/** Free text needs quotes when it holds whitespace or would read as a qualifier. */
function formatText(term: string): string {
  const clean = term.replaceAll('"', "");
  const colon = clean.indexOf(":");
  const looksQualified =
    colon > 0 &&
    (isQualifierKey(clean.slice(0, colon).toLowerCase()) ||
      (clean.startsWith("-") && isQualifierKey(clean.slice(1, colon).toLowerCase())));
  return /\s/.test(clean) || looksQualified ? `"${clean}"` : clean;
}

/**
 * Terms as a query: qualifiers in QUALIFIER_KEYS order (user, ip, action, table, pk, account,
 * ingress, comment, after, before), each once with its values comma-separated, then the free text.
 * Values are quoted where they need it; double quotes, which the language cannot write, are
 * dropped. Values are not checked: the parser does that, and names the bad one.
 */
export function formatAuditQuery(terms: AuditQueryTerms): string {
  const parts: string[] = [];
  for (const key of QUALIFIER_KEYS) {
    const values = terms[key] ?? [];
    if (values.length > 0) {
      parts.push(`${key}:${values.map((v) => formatValue(String(v))).join(",")}`);
    }
  }
  for (const term of terms.text ?? []) parts.push(formatText(term));
  return parts.join(" ");
}

/**
 * Criteria as their canonical query. parseAuditQuery(formatAuditCriteria(c, tz), { timeZone: tz })
 * gives back `c` for any criteria the parser produced (the one exception: a long query whose
 * relative dates expand past MAX_QUERY_LENGTH).
 */
export function formatAuditCriteria(criteria: AuditCriteria, timeZone: string): string {
  const date = (d: Date | undefined) => (d ? [formatAuditDate(d, timeZone)] : []);
  return formatAuditQuery({
    user: criteria.users,
    ip: criteria.ips,
    action: criteria.actions,
    table: criteria.tables,
    pk: criteria.pks,
    account: criteria.accounts,
    ingress: criteria.ingresses,
    comment: criteria.comments,
    after: date(criteria.after),
    before: date(criteria.before),
    text: criteria.text,
  });
}

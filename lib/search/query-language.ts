/**
 * The audit page's search box language, GitHub-style:
 *
 *   query     = term { whitespace term }
 *   term      = qualifier | phrase | word
 *   qualifier = key ":" value { "," value }        key is one of QUALIFIER_KEYS, any case
 *   value     = '"' { not '"' } '"' | { not whitespace, ",", '"' }
 *   phrase    = '"' { not '"' } '"'
 *   word      = { not whitespace, '"' }             includes unknown "foo:bar" prefixes
 *
 * Words and phrases become free text (all must match); the values of one qualifier, whether
 * comma-separated or from repeating it, are alternatives (any may match). There is no escape
 * character: backslashes, % and _ are literal, and the SQL builder escapes them for ILIKE.
 *
 * This module holds what the parser (parse-audit-query.ts) and the formatter
 * (format-audit-query.ts) must agree on.
 */

export const MAX_QUERY_LENGTH = 500;
/** Distinct words, phrases and qualifier values together; each one adds an OR branch in SQL. */
export const MAX_TERMS = 20;

/** In the order the formatter writes them. */
export const QUALIFIER_KEYS = [
  "user",
  "ip",
  "action",
  "table",
  "pk",
  "account",
  "ingress",
  "comment",
  "after",
  "before",
] as const;
export type QualifierKey = (typeof QUALIFIER_KEYS)[number];

export const isQualifierKey = (key: string): key is QualifierKey =>
  (QUALIFIER_KEYS as readonly string[]).includes(key);

/** A user-facing problem with the query; anything else thrown is a bug and propagates. */
export class QueryError extends Error {}

/** The start of a long value, for messages that quote it. */
export const snippet = (text: string) => (text.length > 30 ? `${text.slice(0, 30)}…` : text);

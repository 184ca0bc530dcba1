import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** Makes `%`, `_` and `\` literal inside a LIKE pattern whose escape character is `\`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

const PATTERNS = {
  whole: (t: string) => t,
  prefix: (t: string) => `${t}%`,
  contains: (t: string) => `%${t}%`,
} as const;

/**
 * Every search box's `ILIKE`: the user's text taken literally, matching the whole value, its
 * start, or anywhere in it. Text holding U+0000 matches nothing: no stored text can hold it
 * (Postgres refuses it), and as a query parameter Postgres refuses it too, a 500 otherwise.
 */
export function matchesText(column: AnyPgColumn, term: string, match: keyof typeof PATTERNS): SQL {
  if (term.includes("\u0000")) return sql`false`;
  // The ESCAPE clause is Postgres' default, spelled out so the escaping above is visibly tied
  // to it (standard_conforming_strings: '\' is one backslash).
  return sql`${column} ilike ${PATTERNS[match](escapeLike(term))} escape '\\'`;
}

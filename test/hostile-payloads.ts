/**
 * What an attacker types into a search box or a filter: SQL, LIKE wildcards and escapes, the
 * search language's own syntax, placeholders, unicode (astral, bidi override) and a NUL.
 */
export const HOSTILE_TEXT = [
  "' OR 1=1--",
  "'; DROP TABLE audit_log;--",
  "\\",
  "%",
  "_",
  "$1",
  ") OR (1=1",
  "𝕏😀 ünïcödé",
  "a\u0000b",
];

/** More of the same, for in-process tests where each payload costs microseconds, not a page. */
export const MORE_HOSTILE_TEXT = [
  '" OR ""="',
  "1; SELECT pg_sleep(5)",
  "%' OR '1'='1",
  "table:accounts' OR 1=1--",
  "ip:' OR 1=1--",
  "\uFFFD\u202E",
];

import { keyOf, type EntryPoint } from "./enumerate";
import { AUDIENCES, KNOWN_BUGS, MATRIX, SAMPLE_URLS, SCOPED_CASES, type MatrixRow } from "./matrix";

/**
 * What is wrong between the code's entry points and the matrix, one sentence each; empty when
 * every entry point has exactly one row and every row, sample, scoped case and known bug names
 * one that exists.
 */
export function matrixProblems(
  entries: readonly EntryPoint[],
  matrix: readonly MatrixRow[] = MATRIX,
): string[] {
  const problems: string[] = [];
  const existing = new Map(entries.map((e) => [keyOf(e), e]));
  const rowCount = new Map<string, number>();
  for (const row of matrix) rowCount.set(row.key, (rowCount.get(row.key) ?? 0) + 1);

  for (const [key, entry] of existing) {
    const n = rowCount.get(key) ?? 0;
    const where = entry.kind === "action" ? entry.module : entry.file;
    if (n === 0) problems.push(`${key} (${where}) has no row in test/authz/matrix.ts`);
    if (entry.kind === "action" && entry.name.startsWith("<inline")) {
      problems.push(
        `${key}: an inline "use server" function cannot be called by the matrix; move it to an actions module`,
      );
    }
  }
  for (const [key, n] of rowCount) {
    if (n > 1) problems.push(`${key} has ${n} rows in the matrix; keep one`);
    if (!existing.has(key)) problems.push(`${key} has a row but no such entry point exists`);
  }
  for (const row of matrix) {
    for (const a of AUDIENCES) {
      if (!row.expect[a]) problems.push(`${row.key} says nothing for ${a}`);
    }
    // A dynamic segment cannot be requested as written: it needs a sample URL.
    if (!row.key.startsWith("action ") && row.key.includes("[") && !SAMPLE_URLS[row.key]) {
      problems.push(`${row.key} has a dynamic segment but no entry in SAMPLE_URLS`);
    }
  }
  const keys = new Set(matrix.map((r) => r.key));
  for (const key of Object.keys(SAMPLE_URLS)) {
    if (!keys.has(key)) problems.push(`SAMPLE_URLS names ${key}, which has no row`);
  }
  for (const c of SCOPED_CASES) {
    if (!keys.has(c.key)) problems.push(`scoped case ${c.id} names ${c.key}, which has no row`);
  }
  for (const b of KNOWN_BUGS) {
    if (!keys.has(b.key)) problems.push(`known bug names ${b.key}, which has no row`);
  }
  // Every portal route or action taking an id is tried with another account's id.
  for (const row of matrix) {
    const portalId = /^(page|GET|POST|PUT|PATCH|DELETE) \/portal\/.*\[/.test(row.key);
    if (
      portalId &&
      !SCOPED_CASES.some((c) => c.key === row.key && /another account/.test(c.given))
    ) {
      problems.push(`${row.key} takes an id but has no "another account's id" scoped case`);
    }
  }
  return problems;
}

import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";

/** The error for an unknown table: a near miss gets a suggestion, anything else the list. */
export function unknownTableMessage(value: string): string {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3; // suggest only near misses: a typo, not a different word
  for (const table of AUDIT_TABLE_FILTER_VALUES) {
    const d = editDistance(lower, table, bestDistance);
    if (d < bestDistance) {
      best = table;
      bestDistance = d;
    }
  }
  return best
    ? `Unknown table "${value}". Did you mean ${best}?`
    : `Unknown table "${value}". Use one of: ${AUDIT_TABLE_FILTER_VALUES.join(", ")}`;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot come in under it. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}

/**
 * Prepares an entry's before/after for display: the changed fields as short values, the records
 * as pretty JSON, and multi-line text fields (custom CSS/JS…) split out to be diffed line by line.
 */
export type FieldChange = { field: string; before: string; after: string };
export type TextDiff = { field: string; before: string; after: string };

const IGNORED = new Set(["updatedAt", "version"]);

function short(value: unknown): string {
  if (value === undefined) return "—";
  if (value === null) return "null";
  if (typeof value === "string") {
    const lines = value.split("\n").length;
    if (lines > 1) return `(${lines} lines, shown below)`;
    return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  }
  const json = JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

const own = (row: Record<string, unknown> | null, key: string): unknown =>
  row && Object.hasOwn(row, key) ? row[key] : undefined;

const isMultiline = (v: unknown) => typeof v === "string" && v.includes("\n");

export function splitForDiff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): { changes: FieldChange[]; texts: TextDiff[]; json: { before: string; after: string } } {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  const changes: FieldChange[] = [];
  const texts: TextDiff[] = [];
  const replaceText = (row: Record<string, unknown> | null) => {
    if (!row) return row;
    // Alphabetical: Postgres stores jsonb keys by length, which reads as random. fromEntries
    // defines own properties, so even a "__proto__" key is shown rather than swallowed.
    return Object.fromEntries(
      Object.entries(row)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, isMultiline(v) ? `(${(v as string).split("\n").length} lines)` : v]),
    );
  };
  for (const key of keys) {
    // Own fields only: a key one side lacks is absent there, not Object.prototype's "toString".
    const b = own(before, key);
    const a = own(after, key);
    const changed = before !== null && after !== null && JSON.stringify(b) !== JSON.stringify(a);
    if (changed && !IGNORED.has(key))
      changes.push({ field: key, before: short(b), after: short(a) });
    if ((isMultiline(b) || isMultiline(a)) && (changed || before === null || after === null)) {
      texts.push({
        field: key,
        before: typeof b === "string" ? b : "",
        after: typeof a === "string" ? a : "",
      });
    }
  }
  const pretty = (row: Record<string, unknown> | null) =>
    row ? JSON.stringify(replaceText(row), null, 2) : "";
  return { changes, texts, json: { before: pretty(before), after: pretty(after) } };
}

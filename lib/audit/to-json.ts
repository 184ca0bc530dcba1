/** Turns a database row into the plain JSON stored in an audit entry's before/after. */
export function rowToJson(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = valueToJson(value);
  return out;
}

function valueToJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return { bytes: value.byteLength };
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(valueToJson);
  return value;
}

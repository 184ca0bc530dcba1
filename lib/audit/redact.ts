/**
 * Secrets never reach the audit log. A redacted field keeps its presence and whether it changed,
 * so the diff still shows "password changed" without the value or its hash.
 */
export const REDACTED = "[redacted]";
export const REDACTED_CHANGED = "[redacted: changed]";

export function redactPair(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  secretFields: readonly string[],
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  if (secretFields.length === 0) return { before, after };
  const b = before ? { ...before } : null;
  const a = after ? { ...after } : null;
  for (const field of secretFields) {
    const oldValue = before?.[field] ?? null;
    const newValue = after?.[field] ?? null;
    if (b && field in b) b[field] = oldValue === null ? null : REDACTED;
    if (a && field in a) {
      const changed = before !== null && oldValue !== newValue;
      a[field] = newValue === null ? null : changed ? REDACTED_CHANGED : REDACTED;
    }
  }
  return { before: b, after: a };
}

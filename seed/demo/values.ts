/** Number helpers for plausible edits of limits. */

export const roundTo = (value: number, step: number) =>
  Math.max(step, Math.round(value / step) * step);

/**
 * `old` moved by `factor` and rounded to `step`, reversed when it would leave 40% to 250% of
 * `base` (where the value started), so months of edits drift instead of compounding.
 * Always a different value, so the edit is a real change.
 */
export function nudge(old: number, base: number, factor: number, step: number): number {
  const low = Math.max(step, base * 0.4);
  const f = old * factor > base * 2.5 || old * factor < low ? 1 / factor : factor;
  const next = roundTo(old * f, step);
  return next === old ? old + step : next;
}

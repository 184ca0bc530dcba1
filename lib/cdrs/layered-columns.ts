import type { CdrAudience, FieldDefault } from "./fields";

/**
 * One mechanism for every column surface with audience defaults (CDR fields, breakout columns):
 * a base set (an audience default or a role's row, else the catalogue's D cells), replaced by a
 * user's own override when there is one, adjusted by an account override (added, removed,
 * ordered), then cut to what the audience may ever have (no N cell survives any setting), and
 * last narrowed by the viewer's own preference, which can hide but never reveal.
 */
type Catalogue<K extends string> = readonly {
  key: K;
  defaults: Record<CdrAudience, FieldDefault>;
}[];

export type ColumnLayers = {
  /** The audience default row or the role's row; null: the catalogue's (or role's) default. */
  base: readonly string[] | null;
  /** The default when no base row exists (e.g. `support` without the buy side). */
  fallback: readonly string[];
  /** A user's own permission override, replacing the base. */
  userOverride?: readonly string[] | null;
  /** An account's override, applied on top of the base. */
  account?: {
    added: readonly string[];
    removed: readonly string[];
    fieldOrder: readonly string[];
  } | null;
  /** The viewer's preference: hidden for themselves. */
  hidden?: readonly string[] | null;
};

export type ResolvedColumns<K extends string> = {
  /** What settings allow this viewer, in display order: the only keys that may be used. */
  allowed: K[];
  /** Allowed minus the viewer's preference: what is selected and drawn. */
  visible: K[];
};

export function resolveLayeredColumns<K extends string>(
  catalogue: Catalogue<K>,
  audience: CdrAudience,
  layers: ColumnLayers,
): ResolvedColumns<K> {
  const permitted = new Set<string>(
    catalogue.filter((c) => c.defaults[audience] !== "N").map((c) => c.key),
  );
  let chosen: string[] = [...(layers.userOverride ?? layers.base ?? layers.fallback)];
  if (layers.account) {
    const removed = new Set(layers.account.removed);
    // Added fields follow the base's; the account's order, when given, puts its fields first.
    chosen = [...chosen, ...layers.account.added].filter((k) => !removed.has(k));
    const order = layers.account.fieldOrder.filter((k) => chosen.includes(k));
    chosen = [...order, ...chosen.filter((k) => !order.includes(k))];
  }
  const allowed = [...new Set(chosen)].filter((k): k is K => permitted.has(k));
  const hidden = new Set(layers.hidden ?? []);
  const visible = allowed.filter((k) => !hidden.has(k));
  // Hiding everything would leave nothing to show: the preference then does not apply.
  return { allowed, visible: visible.length > 0 ? visible : allowed };
}

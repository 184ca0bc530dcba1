import type { CdrAudience, FieldDefault } from "@/lib/cdrs/fields";

/**
 * The breakout report's columns (DOMAIN.md "Breakout report"): the groupings and the measures,
 * each with its default per audience. As with CDR fields, an N cell holds against any setting.
 */
export type BreakoutColumnKind = "group" | "count" | "ratio" | "minutes" | "money";

export type BreakoutColumn<K extends string = string> = {
  key: K;
  label: string;
  kind: BreakoutColumnKind;
  /** Money of the operator's buy side or margin: off for `support` unless the admin allows it. */
  sensitive: boolean;
  defaults: Record<CdrAudience, FieldDefault>;
};

const c = <K extends string>(
  key: K,
  label: string,
  kind: BreakoutColumnKind,
  [customer, carrier, staff]: [FieldDefault, FieldDefault, FieldDefault],
  sensitive = false,
): BreakoutColumn<K> => ({ key, label, kind, sensitive, defaults: { customer, carrier, staff } });

export const BREAKOUT_COLUMNS = [
  c("customer_dest_name", "Breakout", "group", ["D", "N", "D"]),
  c("carrier_dest_name", "Carrier destination", "group", ["N", "D", "D"], true),
  c("customer", "Customer", "group", ["N", "N", "D"]),
  c("carrier", "Carrier", "group", ["N", "N", "D"], true),
  c("attempts", "Attempts", "count", ["D", "D", "D"]),
  c("connected", "Connected", "count", ["D", "D", "D"]),
  c("asr", "ASR %", "ratio", ["D", "D", "D"]),
  c("acd", "ACD (s)", "ratio", ["D", "D", "D"]),
  c("pdd", "PDD (ms)", "ratio", ["D", "D", "D"]),
  c("short_calls", "Short calls", "count", ["D", "D", "D"]),
  c("short_pct", "Short %", "ratio", ["D", "D", "D"]),
  c("minutes", "Minutes", "minutes", ["D", "D", "D"]),
  c("billed_minutes", "Billed minutes", "minutes", ["D", "N", "D"]),
  c("carrier_minutes", "Carrier minutes", "minutes", ["N", "D", "D"], true),
  c("revenue", "Revenue", "money", ["D", "N", "D"]),
  c("cost", "Cost", "money", ["N", "D", "D"], true),
  c("profit", "Profit", "money", ["N", "N", "D"], true),
  c("margin", "Margin %", "ratio", ["N", "N", "D"], true),
] as const satisfies readonly BreakoutColumn[];

export type BreakoutColumnKey = (typeof BREAKOUT_COLUMNS)[number]["key"];
export const BREAKOUT_COLUMN_KEYS = BREAKOUT_COLUMNS.map((b) => b.key) as [
  BreakoutColumnKey,
  ...BreakoutColumnKey[],
];
export const breakoutColumn = (key: BreakoutColumnKey): BreakoutColumn =>
  BREAKOUT_COLUMNS.find((b) => b.key === key)!;

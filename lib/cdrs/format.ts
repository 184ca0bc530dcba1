import { cdrField, type CdrFieldKey } from "./fields";
import type { CdrNames } from "./queries";

/**
 * How a CDR value reads on the page, by the catalogue's type and unit: times in the viewer's
 * zone, money as stored (exact, trailing zeros past four places dropped), seconds and
 * milliseconds with their unit, accounts and routes by name.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatTime(at: Date, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      year: "numeric",
      month: "short",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZone,
    });
    if (formatters.size >= 100) formatters.clear();
    formatters.set(timeZone, format);
  }
  return format.format(at);
}

/** 0.012300 → 0.0123; 1.500000 → 1.50 (money keeps at least two places, at most as stored). */
function trimDecimals(value: string, keep: number): string {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  const decimals = (m[2] ?? "").replace(/0+$/, "");
  const places = Math.max(keep, decimals.length);
  return places === 0 ? m[1]! : `${m[1]}.${decimals.padEnd(places, "0")}`;
}

export function formatCdrValue(
  key: CdrFieldKey,
  value: unknown,
  { timeZone, names }: { timeZone: string; names?: CdrNames },
): string {
  if (value === null || value === undefined || value === "") return "—";
  const field = cdrField(key);
  switch (field.type) {
    case "time":
      return value instanceof Date || typeof value === "string"
        ? formatTime(new Date(value), timeZone)
        : String(value);
    case "bool":
      return value ? "Yes" : "No";
    case "money":
      return trimDecimals(String(value), 2);
    case "seconds":
      return `${trimDecimals(String(value), 0)} s`;
    case "number":
      return field.unit ? `${trimDecimals(String(value), 0)} ${field.unit}` : String(value);
    case "id": {
      const id = Number(value);
      const name =
        key === "ingress_id"
          ? names?.ingress[id]
          : key === "customer_id" || key === "carrier_id"
            ? names?.accounts[id]
            : undefined;
      return name ? `${name} (${id})` : String(value);
    }
    default:
      return String(value);
  }
}

/** Numbers read right-aligned in a table. */
export const isNumericCdrField = (key: CdrFieldKey) =>
  ["money", "seconds", "number"].includes(cdrField(key).type);

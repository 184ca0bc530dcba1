import ipaddr from "ipaddr.js";
// The search box runs this in the browser too: import the narrowest modules, not the schema.
import { AUDIT_ACTIONS, type AuditAction } from "@/db/schema/enums";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import { parseIp } from "@/lib/http/client-ip";
import type { AuditCriteria } from "./criteria";

/**
 * The audit page's search box language, GitHub-style:
 *
 *   query     = term { whitespace term }
 *   term      = qualifier | phrase | word
 *   qualifier = key ":" value { "," value }        key is one of QUALIFIER_KEYS, any case
 *   value     = '"' { not '"' } '"' | { not whitespace, ",", '"' }
 *   phrase    = '"' { not '"' } '"'
 *   word      = { not whitespace, '"' }             includes unknown "foo:bar" prefixes
 *
 * Words and phrases become free text (all must match); the values of one qualifier, whether
 * comma-separated or from repeating it, are alternatives (any may match). There is no escape
 * character: backslashes, % and _ are literal, and the SQL builder escapes them for ILIKE.
 *
 * The scanner walks the input once, character by character (no backtracking regexes), after
 * the length cap, so hostile input costs at most a few thousand steps.
 */

export const MAX_QUERY_LENGTH = 500;
/** Distinct words, phrases and qualifier values together; each one adds an OR branch in SQL. */
export const MAX_TERMS = 20;

const QUALIFIER_KEYS = [
  "user",
  "ip",
  "action",
  "table",
  "pk",
  "account",
  "ingress",
  "after",
  "before",
] as const;
type QualifierKey = (typeof QUALIFIER_KEYS)[number];

export type ParseAuditQueryOptions = {
  /** The viewer's IANA time zone: dates in after:/before: are wall-clock times there. */
  timeZone: string;
  /** The moment relative dates (after:-7d) count back from; defaults to the current time. */
  now?: Date;
};

export type ParseAuditQueryResult =
  { ok: true; criteria: AuditCriteria } | { ok: false; error: string };

/** A user-facing problem with the query; anything else thrown is a bug and propagates. */
class QueryError extends Error {}

const isSpace = (ch: string) => /\s/.test(ch);
const isKeyChar = (code: number) =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
const isQualifierKey = (key: string): key is QualifierKey =>
  (QUALIFIER_KEYS as readonly string[]).includes(key);

/**
 * Parses the search box. A time zone Intl does not know is a programming or configuration error
 * (users.time_zone is validated where it is set), so it throws a RangeError rather than
 * becoming a message under the search box.
 */
export function parseAuditQuery(
  input: string,
  options: ParseAuditQueryOptions,
): ParseAuditQueryResult {
  wallClock(options.timeZone); // validates the zone up front, even for queries without dates
  try {
    return { ok: true, criteria: parse(input, options) };
  } catch (err) {
    if (err instanceof QueryError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(input: string, options: ParseAuditQueryOptions): AuditCriteria {
  // Checked before anything else so that every later step is bounded by this length.
  if (input.length > MAX_QUERY_LENGTH) {
    throw new QueryError(
      `The search is too long (${input.length} characters); the limit is ${MAX_QUERY_LENGTH}`,
    );
  }
  checkCharacters(input);

  const builder = new CriteriaBuilder();
  const n = input.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(input[i]!)) i++;
    if (i >= n) break;

    if (input[i] === '"') {
      const { value, end } = readQuoted(input, i);
      builder.addText(value);
      i = end;
      continue;
    }

    // A run of key characters followed by ":" is a qualifier when the key is one of ours;
    // otherwise ("error:", "http://", "api_key:3") the whole thing is a plain word.
    let k = i;
    while (k < n && isKeyChar(input.charCodeAt(k))) k++;
    const key = input.slice(i, k).toLowerCase();
    if (k > i && input[k] === ":" && isQualifierKey(key)) {
      i = readValues(input, k + 1, key, builder);
      continue;
    }

    let j = i;
    while (j < n && !isSpace(input[j]!) && input[j] !== '"') j++;
    const word = input.slice(i, j);
    rejectExclusion(word);
    builder.addText(word);
    i = j;
  }
  return builder.finish(options);
}

/**
 * Tab, newline and the like are whitespace (pasted text); other control characters (NUL, ESC,
 * C1) and unpaired surrogates have no business in a search and Postgres refuses NUL in text.
 */
function checkCharacters(input: string) {
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    const control =
      (code < 0x20 && !isSpace(input[i]!)) || code === 0x7f || (code >= 0x80 && code <= 0x9f);
    if (control) {
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      throw new QueryError(`The search contains a control character (U+${hex})`);
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = input.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new QueryError("The search contains an invalid character");
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      throw new QueryError("The search contains an invalid character");
    }
  }
}

/** `-user:ada` would silently search for the text "-user:ada"; say plainly it is unsupported. */
function rejectExclusion(word: string) {
  if (!word.startsWith("-")) return;
  const colon = word.indexOf(":");
  const key = word.slice(1, colon).toLowerCase();
  if (colon > 1 && isQualifierKey(key)) {
    throw new QueryError(`Excluding with -${key}: is not supported; use ${key}: to narrow instead`);
  }
}

const snippet = (text: string) => (text.length > 30 ? `${text.slice(0, 30)}…` : text);

/** Reads `"…"` starting at the opening quote; `end` is just past the closing one. */
function readQuoted(input: string, start: number): { value: string; end: number } {
  const close = input.indexOf('"', start + 1);
  if (close < 0) throw new QueryError(`Missing closing quote in ${snippet(input.slice(start))}`);
  return { value: input.slice(start + 1, close), end: close + 1 };
}

/** Reads `value{,value}` after `key:`; returns the index just past the last value. */
function readValues(input: string, start: number, key: QualifierKey, builder: CriteriaBuilder) {
  const n = input.length;
  let i = start;
  for (;;) {
    let raw: string;
    if (i < n && input[i] === '"') {
      const quoted = readQuoted(input, i);
      raw = quoted.value;
      i = quoted.end;
    } else {
      let j = i;
      while (j < n && !isSpace(input[j]!) && input[j] !== "," && input[j] !== '"') j++;
      raw = input.slice(i, j);
      i = j;
    }
    const value = raw.trim();
    if (!value) throw new QueryError(`Empty value for ${key}:`);
    builder.addQualifier(key, value);
    if (i < n && input[i] === "," && (key === "after" || key === "before")) {
      throw new QueryError(`${key}: takes a single date`);
    }
    if (i < n && input[i] === ",") {
      i++;
      continue;
    }
    if (i < n && !isSpace(input[i]!)) {
      throw new QueryError(
        `Unexpected ${input[i]} after ${key}:${snippet(input.slice(start, i))}; ` +
          `put a space between search terms`,
      );
    }
    return i;
  }
}

/** Collects terms in order, without duplicates, counting them against MAX_TERMS. */
class CriteriaBuilder {
  private readonly text: string[] = [];
  private readonly users: string[] = [];
  private readonly ips: string[] = [];
  private readonly actions: AuditAction[] = [];
  private readonly tables: string[] = [];
  private readonly pks: string[] = [];
  private readonly accounts: number[] = [];
  private readonly ingresses: number[] = [];
  private readonly dates: { after?: string; before?: string } = {};
  private count = 0;

  private add<T>(list: T[], value: T) {
    if (list.includes(value)) return;
    if (++this.count > MAX_TERMS) {
      throw new QueryError(`Too many search terms; the limit is ${MAX_TERMS}`);
    }
    list.push(value);
  }

  addText(raw: string) {
    const value = raw.trim();
    // An empty phrase ("") narrows nothing; ignoring it is kinder than an error.
    if (value) this.add(this.text, value);
  }

  addQualifier(key: QualifierKey, value: string) {
    switch (key) {
      case "user":
        return this.add(this.users, value);
      case "pk":
        return this.add(this.pks, value);
      case "ip": {
        const ip = normalizeIpOrCidr(value);
        if (!ip) throw new QueryError(`"${value}" is not an IP address or CIDR`);
        return this.add(this.ips, ip);
      }
      case "action": {
        const action = AUDIT_ACTIONS.find((a) => a === value.toUpperCase());
        if (!action) {
          throw new QueryError(
            `Unknown action "${value}". Use one of: ${AUDIT_ACTIONS.join(", ")}`,
          );
        }
        return this.add(this.actions, action);
      }
      case "table": {
        const table = value.toLowerCase();
        if (!AUDIT_TABLE_FILTER_VALUES.includes(table)) {
          throw new QueryError(unknownTableMessage(value));
        }
        return this.add(this.tables, table);
      }
      case "account":
        return this.add(this.accounts, parseId(key, value));
      case "ingress":
        return this.add(this.ingresses, parseId(key, value));
      case "after":
      case "before":
        if (this.dates[key] !== undefined) {
          throw new QueryError(`${key}: can be used only once`);
        }
        if (++this.count > MAX_TERMS) {
          throw new QueryError(`Too many search terms; the limit is ${MAX_TERMS}`);
        }
        this.dates[key] = value;
        return;
    }
  }

  /** Dates are resolved once both are known, so that they can be checked against each other. */
  finish(options: ParseAuditQueryOptions): AuditCriteria {
    const criteria: AuditCriteria = {
      text: this.text,
      users: this.users,
      ips: this.ips,
      actions: this.actions,
      tables: this.tables,
      pks: this.pks,
      accounts: this.accounts,
      ingresses: this.ingresses,
    };
    if (this.dates.after !== undefined) {
      criteria.after = parseDate("after", this.dates.after, options);
    }
    if (this.dates.before !== undefined) {
      criteria.before = parseDate("before", this.dates.before, options);
    }
    if (criteria.after && criteria.before) {
      const diff = criteria.after.getTime() - criteria.before.getTime();
      if (diff > 0) throw new QueryError("after: is later than before:");
      if (diff === 0) {
        throw new QueryError(
          "after: and before: are the same moment; before: is exclusive, so use the next day",
        );
      }
    }
    return criteria;
  }
}

function unknownTableMessage(value: string): string {
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

/** Account and ingress ids: positive integers JavaScript holds exactly (bigint columns). */
function parseId(key: "account" | "ingress", value: string): number {
  if (!/^\d+$/.test(value)) throw new QueryError(`${key}: takes a number, got "${value}"`);
  const id = Number(value);
  if (id < 1 || !Number.isSafeInteger(id)) {
    throw new QueryError(
      `${key}: takes a number from 1 to ${Number.MAX_SAFE_INTEGER}, got "${snippet(value)}"`,
    );
  }
  return id;
}

/**
 * An address or CIDR in the one form the SQL builder and the chips use: IPv4-mapped IPv6
 * becomes IPv4, IPv6 is compressed (RFC 5952), a CIDR is reduced to its network address
 * ("10.1.2.3/8" → "10.0.0.0/8") and a full-length prefix to a bare address. Returns null for
 * anything else, including shorthand ("10.1") and zone ids ("fe80::1%eth0") that inet refuses.
 */
export function normalizeIpOrCidr(text: string): string | null {
  const trimmed = text.trim();
  // Zone ids ("fe80::1%eth0") and bracketed CIDRs have no inet spelling.
  if (trimmed.includes("%")) return null;
  const slash = trimmed.indexOf("/");
  if (slash < 0) return parseIp(trimmed)?.toString() ?? null;

  const addressText = trimmed.slice(0, slash);
  const lengthText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText) || addressText.includes("[")) return null;
  let length = Number(lengthText);
  let address = parseIp(addressText);
  if (!address) return null;
  if (address.kind() === "ipv4" && addressText.includes(":")) {
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8; a shorter prefix reaches beyond the mapped block.
    if (length >= 96) length -= 96;
    else address = ipaddr.IPv6.parse(addressText);
  }
  const bits = address.kind() === "ipv4" ? 32 : 128;
  if (length > bits) return null;
  if (length === bits) return address.toString();
  const network =
    address.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${length}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${length}`);
  return `${network.toString()}/${length}`;
}

// ---------------------------------------------------------------------------------------------
// Dates: wall-clock times in the viewer's zone, converted with Intl (no date library).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RELATIVE_UNITS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };
// The 4-digit years the syntax can write, so that every accepted date can be formatted back.
const MIN_TIME = Date.UTC(1000, 0, 2);
const MAX_TIME = Date.UTC(9999, 11, 30);

const ABSOLUTE_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const RELATIVE_DATE = /^-(\d{1,4})([mhdw])$/i;

function parseDate(key: "after" | "before", value: string, options: ParseAuditQueryOptions): Date {
  const relative = RELATIVE_DATE.exec(value);
  if (relative) {
    const now = (options.now ?? new Date()).getTime();
    return checkRange(
      key,
      value,
      now - Number(relative[1]) * RELATIVE_UNITS[relative[2]!.toLowerCase()]!,
    );
  }
  const m = ABSOLUTE_DATE.exec(value);
  if (!m) {
    throw new QueryError(
      `${key}: takes a date like 2026-11-01 or 2026-11-01T14:30, got "${snippet(value)}"`,
    );
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) {
    throw new QueryError(`${key}: "${value}" is not a valid time`);
  }
  const millis = Number((m[7] ?? "").padEnd(3, "0"));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2026-02-30 over into March; a real calendar day survives the round trip.
  const check = new Date(wall);
  const realDay = year >= 1000 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  if (!realDay) throw new QueryError(`${key}: "${value}" is not a valid date`);
  const zone = m[8];
  if (zone) {
    const offset = parseOffset(zone);
    if (offset === null) throw new QueryError(`${key}: "${value}" has an invalid UTC offset`);
    return checkRange(key, value, wall - offset);
  }
  return checkRange(key, value, localToUtc(wall, options.timeZone));
}

function checkRange(key: string, value: string, time: number): Date {
  if (!(time >= MIN_TIME && time <= MAX_TIME)) {
    throw new QueryError(`${key}: "${value}" is out of range`);
  }
  return new Date(time);
}

/** "Z", "+05:30", "-0500", "+01" → milliseconds east of UTC. */
function parseOffset(zone: string): number | null {
  if (zone === "Z" || zone === "z") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || "0");
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * HOUR + minutes * MINUTE);
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone; throws RangeError for a zone Intl does not know. */
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (clocks.size >= 100) clocks.clear(); // zone names come from user settings: stay bounded
    clocks.set(timeZone, clock);
  }
  return clock;
}

/**
 * The wall-clock reading in `timeZone` at `utc`, expressed as if it were a UTC timestamp (so
 * that reading − utc is the zone's offset there). Milliseconds carry over unchanged.
 */
function wallTime(utc: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of wallClock(timeZone).formatToParts(new Date(utc))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const ms = ((utc % 1000) + 1000) % 1000;
  return Date.UTC(
    fields.year!,
    fields.month! - 1,
    fields.day,
    fields.hour! % 24, // some engines write midnight as 24 even with h23
    fields.minute,
    fields.second,
    ms,
  );
}

/**
 * The instant at which clocks in `timeZone` show `wall`. Offsets are sampled a day either side,
 * which brackets any single transition. In an overlap (fall back, 01:30 happens twice) the
 * earlier instant wins; in a gap (spring forward, 02:30 never happens) the time moves forward
 * by the gap, as Temporal's "compatible" disambiguation does — so a day that starts at 01:00
 * because of a midnight transition starts at 01:00 here too.
 */
function localToUtc(wall: number, timeZone: string): number {
  const offsetBefore = wallTime(wall - DAY, timeZone) - (wall - DAY);
  const offsetAfter = wallTime(wall + DAY, timeZone) - (wall + DAY);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (t) => wallTime(t, timeZone) === wall,
  );
  return candidates.length > 0 ? Math.min(...candidates) : wall - offsetBefore;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * The shortest text that parses back to exactly `date` in `timeZone`: a bare day at local
 * midnight, then minutes, seconds and milliseconds only when needed, and a UTC offset only for
 * the second pass through a fall-back hour, which the wall time alone cannot name.
 */
export function formatAuditDate(date: Date, timeZone: string): string {
  const utc = date.getTime();
  const wall = wallTime(utc, timeZone);
  const w = new Date(wall);
  const day = `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  const [h, m, s, ms] = [
    w.getUTCHours(),
    w.getUTCMinutes(),
    w.getUTCSeconds(),
    w.getUTCMilliseconds(),
  ];
  let time = "";
  if (s || ms) time = `T${pad(h)}:${pad(m)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ""}`;
  else if (h || m) time = `T${pad(h)}:${pad(m)}`;
  if (localToUtc(wall, timeZone) === utc) return day + time;

  const offset = wall - utc;
  if (offset % MINUTE !== 0) {
    // Historical offsets in seconds (local mean time) have no ±HH:MM spelling: write UTC.
    const u = date.toISOString().replace(/\.000Z$/, "Z");
    return u.replace(/:00Z$/, "Z");
  }
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${day}${time || "T00:00"}${sign}${pad(Math.floor(abs / HOUR))}:${pad((abs % HOUR) / MINUTE)}`;
}

// ---------------------------------------------------------------------------------------------
// Formatting criteria back into a query.

/** Qualifier values need quotes when they hold what would end a bare value. */
function formatValue(value: string): string {
  const clean = value.replaceAll('"', ""); // the language has no escape for a quote
  return /[\s,]/.test(clean) || clean === "" ? `"${clean}"` : clean;
}

/** Free text needs quotes when it holds whitespace or would read as a qualifier. */
function formatText(term: string): string {
  const clean = term.replaceAll('"', "");
  const colon = clean.indexOf(":");
  const looksQualified =
    colon > 0 &&
    (isQualifierKey(clean.slice(0, colon).toLowerCase()) ||
      (clean.startsWith("-") && isQualifierKey(clean.slice(1, colon).toLowerCase())));
  return /\s/.test(clean) || looksQualified ? `"${clean}"` : clean;
}

/**
 * Criteria as a canonical query: qualifiers in a fixed order (user, ip, action, table, pk,
 * account, ingress, after, before), each once with its values comma-separated, then the free
 * text. parseAuditQuery(formatAuditCriteria(c, tz), { timeZone: tz }) gives back `c` for any
 * criteria the parser produced (the one exception: a long query whose relative dates expand
 * past MAX_QUERY_LENGTH).
 */
export function formatAuditCriteria(criteria: AuditCriteria, timeZone: string): string {
  const parts: string[] = [];
  const qualifier = (key: QualifierKey, values: readonly (string | number)[]) => {
    if (values.length > 0) {
      parts.push(`${key}:${values.map((v) => formatValue(String(v))).join(",")}`);
    }
  };
  qualifier("user", criteria.users);
  qualifier("ip", criteria.ips);
  qualifier("action", criteria.actions);
  qualifier("table", criteria.tables);
  qualifier("pk", criteria.pks);
  qualifier("account", criteria.accounts);
  qualifier("ingress", criteria.ingresses);
  if (criteria.after) parts.push(`after:${formatAuditDate(criteria.after, timeZone)}`);
  if (criteria.before) parts.push(`before:${formatAuditDate(criteria.before, timeZone)}`);
  for (const term of criteria.text) parts.push(formatText(term));
  return parts.join(" ");
}

// The search box language's parser; the grammar is in query-language.ts.
// The search box runs this in the browser too: import the narrowest modules, not the schema.
import { AUDIT_ACTIONS, type AuditAction } from "@/db/schema/enums";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import type { AuditCriteria } from "./criteria";
import { normalizeIpOrCidr } from "./normalize-ip";
import { parseQueryDate } from "./query-dates";
import {
  isQualifierKey,
  MAX_QUERY_LENGTH,
  MAX_TERMS,
  QueryError,
  snippet,
  type QualifierKey,
} from "./query-language";
import { unknownTableMessage } from "./unknown-table-message";
import { wallClock } from "./zoned-dates";

/*
 * The scanner walks the input once, character by character (no backtracking regexes), after
 * the length cap, so hostile input costs at most a few thousand steps.
 */

export type ParseAuditQueryOptions = {
  /** The viewer's IANA time zone: dates in after:/before: are wall-clock times there. */
  timeZone: string;
  /** The moment relative dates (after:-7d) count back from; defaults to the current time. */
  now?: Date;
};

export type ParseAuditQueryResult =
  { ok: true; criteria: AuditCriteria } | { ok: false; error: string };

const isSpace = (ch: string) => /\s/.test(ch);
const isKeyChar = (code: number) =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;

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
  private readonly comments: string[] = [];
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
      case "comment":
        return this.add(this.comments, value);
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
      comments: this.comments,
    };
    if (this.dates.after !== undefined) {
      criteria.after = parseQueryDate("after", this.dates.after, options);
    }
    if (this.dates.before !== undefined) {
      criteria.before = parseQueryDate("before", this.dates.before, options);
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

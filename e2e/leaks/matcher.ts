/**
 * Finds forbidden values in received bytes, whatever way the page encoded them: as written, HTML
 * escaped, JSON escaped (API bodies, the RSC payload), JSON escaped twice (the RSC payload inlined
 * in the HTML's scripts, with Next's \u003c escapes), URL encoded (links), CSV quoted. Matching is
 * case-insensitive, over all values at once (Aho-Corasick), so a 10 MB export costs one pass.
 */

export type ForbiddenKind =
  "secret" | "client-ip" | "other-account" | "staff-only" | "out-of-scope" | "masked" | "cdr-field";

export type ForbiddenValue = {
  value: string;
  kind: ForbiddenKind;
  /** Where the value comes from, for the report: "users.password_hash of admin@example.com". */
  source: string;
  /** IP addresses match only as a whole address (not inside a longer one or a CIDR). */
  ip?: boolean;
};

export type Finding = {
  value: ForbiddenValue;
  /** The encoded form found. */
  found: string;
  at: number;
  snippet: string;
};

const htmlEscape = (v: string) =>
  v
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;");
const htmlEscape39 = (v: string) => htmlEscape(v).replaceAll("&#x27;", "&#39;");
const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1);
// Next escapes these when it inlines JSON in a <script> (htmlEscapeJsonString).
const scriptSafe = (v: string) =>
  v
    .replaceAll("&", "\\u0026")
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");

function encodings(value: string): string[] {
  const json = jsonEscape(value);
  const json2 = jsonEscape(json);
  const uri = encodeURIComponent(value);
  const forms = [
    value,
    htmlEscape(value),
    htmlEscape39(value),
    json,
    json2,
    scriptSafe(json),
    scriptSafe(json2),
    uri,
    uri.replaceAll("%20", "+"),
    encodeURI(value),
    value.replaceAll('"', '""'),
  ];
  return [...new Set(forms.map((f) => f.toLowerCase()))];
}

const isWordChar = (c: string | undefined) => c !== undefined && /[0-9a-z]/i.test(c);

/** A match of `found` at [start, end) in `text` (lower-cased) that stands on its own. */
function standsAlone(text: string, start: number, end: number, v: ForbiddenValue, found: string) {
  const before = text[start - 1];
  const after = text[end];
  if (v.ip) {
    // Not part of a longer address (or a hex word), and not the network of a CIDR, a different
    // value (ingress allow-lists hold CIDRs; a client IP is a host address).
    if (before !== undefined && /[0-9a-z.:]/.test(before)) return false;
    if (after !== undefined && /[0-9a-z:]/.test(after)) return false;
    if ((after === "." || after === "/") && /\d/.test(text[end + 1] ?? "")) return false;
    // The same network written into a URL ("198.51.0.0%2F16", the crawler's own probes).
    if (/^%2f\d/.test(text.slice(end, end + 4))) return false;
    return true;
  }
  // A number right after "hh:mm:" is a clock time's seconds ("08:10:35.713 GMT-5"), not a
  // value: a field's number is written after a quote or a key's colon ("profit_pct":35.713).
  if (/^[\d.]+$/.test(found) && /\d\d:\d\d:$/.test(text.slice(Math.max(0, start - 6), start))) {
    return false;
  }
  // A value starting or ending with a letter or digit must not be the inside of a longer word.
  if (isWordChar(found[0]) && isWordChar(before)) return false;
  if (isWordChar(found[found.length - 1]) && isWordChar(after)) return false;
  return true;
}

type Node = { next: Map<string, number>; fail: number; out: number[] };

export class LeakMatcher {
  private nodes: Node[] = [{ next: new Map(), fail: 0, out: [] }];
  private patterns: { text: string; value: ForbiddenValue }[] = [];

  constructor(readonly values: readonly ForbiddenValue[]) {
    for (const value of values) {
      for (const text of encodings(value.value)) this.add(text, value);
    }
    this.build();
  }

  get size(): number {
    return this.values.length;
  }

  private add(text: string, value: ForbiddenValue) {
    let node = 0;
    // UTF-16 code units, like scan() below.
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      let next = this.nodes[node]!.next.get(ch);
      if (next === undefined) {
        next = this.nodes.length;
        this.nodes.push({ next: new Map(), fail: 0, out: [] });
        this.nodes[node]!.next.set(ch, next);
      }
      node = next;
    }
    this.nodes[node]!.out.push(this.patterns.length);
    this.patterns.push({ text, value });
  }

  private build() {
    const queue: number[] = [];
    for (const child of this.nodes[0]!.next.values()) queue.push(child);
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i]!;
      const node = this.nodes[id]!;
      for (const [ch, child] of node.next) {
        let f = node.fail;
        while (f !== 0 && !this.nodes[f]!.next.has(ch)) f = this.nodes[f]!.fail;
        const target = this.nodes[f]!.next.get(ch);
        this.nodes[child]!.fail = target !== undefined && target !== child ? target : 0;
        this.nodes[child]!.out.push(...this.nodes[this.nodes[child]!.fail]!.out);
        queue.push(child);
      }
    }
  }

  /** Every forbidden value in `body`, once per value (the first place it occurs). */
  scan(body: string): Finding[] {
    if (this.patterns.length === 0 || body.length === 0) return [];
    const text = body.toLowerCase();
    const seen = new Set<ForbiddenValue>();
    const findings: Finding[] = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      while (node !== 0 && !this.nodes[node]!.next.has(ch)) node = this.nodes[node]!.fail;
      node = this.nodes[node]!.next.get(ch) ?? 0;
      const out = this.nodes[node]!.out;
      for (const p of out) {
        const { text: found, value } = this.patterns[p]!;
        if (seen.has(value)) continue;
        const start = i + 1 - found.length;
        if (!standsAlone(text, start, i + 1, value, found)) continue;
        seen.add(value);
        findings.push({
          value,
          found,
          at: start,
          snippet: body
            .slice(Math.max(0, start - 90), Math.min(body.length, i + 1 + 90))
            .replace(/\s+/g, " "),
        });
      }
    }
    return findings;
  }
}

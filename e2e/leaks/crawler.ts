import type { APIRequestContext, APIResponse } from "@playwright/test";
import type { Finding, LeakMatcher } from "./matcher";

/**
 * Fetches what a signed-in user can reach, with the user's cookies (the browser context's request
 * API), and hands every byte received to the scanner: each page as HTML and as its RSC payload,
 * every redirect hop, JSON and export bodies, response headers.
 */

export type Via = "html" | "rsc" | "redirect" | "json" | "export" | "browser";

export type Leak = {
  via: Via;
  url: string;
  status: number;
  kind: string;
  source: string;
  value: string;
  snippet: string;
};

export class Scanner {
  readonly leaks: Leak[] = [];
  responses = 0;
  bytes = 0;
  private seen = new Set<string>();

  constructor(private readonly matcher: LeakMatcher) {}

  scan(via: Via, url: string, status: number, body: string, headers: Record<string, string> = {}) {
    this.responses++;
    this.bytes += body.length;
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n");
    const found: Finding[] = [...this.matcher.scan(head), ...this.matcher.scan(body)];
    for (const f of found) {
      const key = `${url}\u0000${f.value.kind}\u0000${f.value.value}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.leaks.push({
        via,
        url,
        status,
        kind: f.value.kind,
        source: f.value.source,
        value: f.value.value,
        snippet: f.snippet,
      });
    }
  }
}

export type Fetched = { url: string; status: number; contentType: string; body: string };

/**
 * GET with redirects followed by hand, so every hop is scanned (a Location header can carry a
 * value too) and the final URL is known. Only same-origin hops are followed.
 */
export async function fetchAndScan(
  request: APIRequestContext,
  scanner: Scanner,
  url: string,
  via: Via,
  headers: Record<string, string> = {},
): Promise<Fetched> {
  let current = url;
  for (let hop = 0; hop < 6; hop++) {
    const res: APIResponse = await request.get(current, {
      headers,
      maxRedirects: 0,
      failOnStatusCode: false,
      timeout: 60_000,
    });
    const body = await res.text();
    const status = res.status();
    const location = res.headers()["location"];
    scanner.scan(
      status >= 300 && status < 400 ? "redirect" : via,
      current,
      status,
      body,
      res.headers(),
    );
    if (status >= 300 && status < 400 && location) {
      const next = new URL(location, new URL(current, baseOrigin));
      if (next.origin !== baseOrigin) return { url: current, status, contentType: "", body };
      current = next.pathname + next.search;
      continue;
    }
    return { url: current, status, contentType: res.headers()["content-type"] ?? "", body };
  }
  throw new Error(`too many redirects from ${url}`);
}

let baseOrigin = "http://localhost";
/** The app's origin: links elsewhere are not followed. */
export function setBaseOrigin(origin: string) {
  baseOrigin = new URL(origin).origin;
}

const decodeEntities = (s: string) =>
  s
    .replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">");

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

/** Links of an HTML page: a[href] and what its GET forms submit with their current values. */
function htmlLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\s[^>]*>/gi)) {
    const href = attr(m[0], "href");
    if (href !== undefined) out.push(href);
  }
  for (const m of html.matchAll(/<form\s([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = `<form ${m[1]}>`;
    if ((attr(open, "method") ?? "get").toLowerCase() !== "get") continue;
    const action = attr(open, "action") ?? "";
    if (action.startsWith("javascript:")) continue;
    const params = new URLSearchParams();
    for (const input of m[2]!.matchAll(/<input\s[^>]*>/gi)) {
      const name = attr(input[0], "name");
      const type = (attr(input[0], "type") ?? "text").toLowerCase();
      if (!name || ["submit", "button", "file", "image", "reset"].includes(type)) continue;
      if ((type === "checkbox" || type === "radio") && !/\schecked(=|\s|>|\/)/i.test(input[0]))
        continue;
      params.append(name, attr(input[0], "value") ?? (type === "checkbox" ? "on" : ""));
    }
    for (const select of m[2]!.matchAll(/<select\s([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(`<select ${select[1]}>`, "name");
      if (!name) continue;
      const options = [...select[2]!.matchAll(/<option\s?([^>]*)>([^<]*)/gi)];
      const chosen = options.find((o) => /\sselected/i.test(` ${o[1]}`)) ?? options[0];
      if (chosen) params.append(name, attr(` ${chosen[1]}`, "value") ?? decodeEntities(chosen[2]!));
    }
    const query = params.toString();
    out.push(
      query ? `${action || "?"}${action.includes("?") ? "&" : action ? "?" : ""}${query}` : action,
    );
  }
  return out;
}

/** Hrefs inside an RSC payload (Link props of client components). */
function rscLinks(payload: string): string[] {
  const out: string[] = [];
  for (const m of payload.matchAll(/"href":("(?:[^"\\]|\\.)*")/g)) {
    try {
      out.push(JSON.parse(m[1]!) as string);
    } catch {
      // not a plain string literal
    }
  }
  return out;
}

function entryIdsIn(body: string): number[] {
  const ids = new Set<number>();
  for (const m of body.matchAll(/data-entry-id="(\d+)"/g)) ids.add(Number(m[1]));
  for (const m of body.matchAll(/\/entries\/(\d+)/g)) ids.add(Number(m[1]));
  return [...ids];
}

/** Same shape of URL (ids as :n, the query's parameter names, the tab): crawled fairly. */
function patternOf(url: string): string {
  const u = new URL(url, "http://x");
  const names = [...new Set([...u.searchParams.keys()])].sort().join(",");
  const tab = u.searchParams.get("tab");
  // Ids, and sealed references (CDR record links: a new one for each render), are one shape.
  const path = u.pathname
    .replace(/\/\d+(?=\/|$)/g, "/:n")
    .replace(/\/[A-Za-z0-9_-]{22,}(?=\/|$)/g, "/:ref");
  return `${path}?${names}${tab ? `#${tab}` : ""}`;
}

const groupOf = (pattern: string) => pattern.slice(0, pattern.indexOf("?"));

export type CrawlOptions = {
  request: APIRequestContext;
  scanner: Scanner;
  /** Fetched first, whatever the budget. */
  seeds: string[];
  maxPages: number;
  concurrency: number;
  /** A link that is not a page to crawl: sign-out, public assets, Next's own files. */
  skip: (url: URL) => string | null;
};

export type CrawlResult = {
  pages: number;
  rscPages: number;
  /** Pages whose RSC request did not come back as a flight payload (text/x-component). */
  rscMismatches: string[];
  patterns: Map<string, number>;
  entryIds: Set<number>;
  exportLinks: Set<string>;
  skippedLinks: Map<string, number>;
  unvisited: number;
};

export async function crawl(opts: CrawlOptions): Promise<CrawlResult> {
  const { request, scanner } = opts;
  const queued = new Set<string>();
  const queues = new Map<string, string[]>();
  const mustVisit: string[] = [];
  const result: CrawlResult = {
    pages: 0,
    rscPages: 0,
    rscMismatches: [],
    patterns: new Map(),
    entryIds: new Set(),
    exportLinks: new Set(),
    skippedLinks: new Map(),
    unvisited: 0,
  };

  const normalise = (href: string, from: string): string | null => {
    if (!href || href.startsWith("#") || /^(mailto|tel|javascript|data):/i.test(href)) return null;
    const u = new URL(href, new URL(from, baseOrigin));
    if (u.origin !== baseOrigin) return null;
    u.hash = "";
    const entry = /\/entries\/(\d+)$/.exec(u.pathname);
    if (entry) {
      result.entryIds.add(Number(entry[1]));
      return null;
    }
    if (/\/export$/.test(u.pathname)) {
      result.exportLinks.add(u.pathname + u.search);
      return null;
    }
    const why = opts.skip(u);
    if (why) {
      result.skippedLinks.set(why, (result.skippedLinks.get(why) ?? 0) + 1);
      return null;
    }
    return u.pathname + u.search;
  };
  const enqueue = (url: string, must = false) => {
    if (queued.has(url)) return;
    queued.add(url);
    if (must) {
      mustVisit.push(url);
      return;
    }
    const p = patternOf(url);
    const q = queues.get(p) ?? [];
    q.push(url);
    queues.set(p, q);
  };
  const groupVisits = new Map<string, number>();
  const next = (): string | undefined => {
    const must = mustVisit.shift();
    if (must) return must;
    // Breadth over every kind of page before depth: the least-visited page (path with ids as
    // :n) first, then within it the least-visited shape of query, so the audit page's many
    // sort/filter/page combinations do not starve the record pages.
    let best: string | undefined;
    let bestKey: [number, number] | undefined;
    for (const [p, q] of queues) {
      if (q.length === 0) continue;
      const key: [number, number] = [groupVisits.get(groupOf(p)) ?? 0, result.patterns.get(p) ?? 0];
      if (!bestKey || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
        best = p;
        bestKey = key;
      }
    }
    return best === undefined ? undefined : queues.get(best)!.shift();
  };

  for (const s of opts.seeds) enqueue(s, true);

  const visit = async (url: string) => {
    const pattern = patternOf(url);
    result.patterns.set(pattern, (result.patterns.get(pattern) ?? 0) + 1);
    groupVisits.set(groupOf(pattern), (groupVisits.get(groupOf(pattern)) ?? 0) + 1);
    const page = await fetchAndScan(request, scanner, url, "html");
    result.pages++;
    for (const id of entryIdsIn(page.body)) result.entryIds.add(id);
    const links = page.contentType.includes("text/html") ? htmlLinks(page.body) : [];
    if (page.contentType.includes("text/html")) {
      // The same page as the client router asks for it: the flight payload, every prop of every
      // client component, whether drawn or not.
      const rsc = await fetchAndScan(request, scanner, page.url, "rsc", { RSC: "1" });
      if (rsc.contentType.includes("text/x-component")) {
        result.rscPages++;
        links.push(...rscLinks(rsc.body));
        for (const id of entryIdsIn(rsc.body)) result.entryIds.add(id);
      } else {
        result.rscMismatches.push(`${page.url} → ${rsc.status} ${rsc.contentType}`);
      }
    }
    for (const href of links) {
      const n = normalise(href, page.url);
      if (n) enqueue(n);
    }
  };

  while (result.pages < opts.maxPages || mustVisit.length > 0) {
    const wave: string[] = [];
    while (wave.length < opts.concurrency) {
      if (result.pages + wave.length >= opts.maxPages && mustVisit.length === 0) break;
      const url = next();
      if (!url) break;
      wave.push(url);
    }
    if (wave.length === 0) break;
    await Promise.all(wave.map(visit));
  }
  result.unvisited = [...queues.values()].reduce((n, q) => n + q.length, 0);
  return result;
}

import { expect, test, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { DEMO, signIn, type DemoUser } from "./fixtures";
import { crawl, fetchAndScan, Scanner, setBaseOrigin, type Leak } from "./leaks/crawler";
import { auditScopeSql, forbiddenFor, type ForbiddenSet } from "./leaks/forbidden";
import { LeakMatcher } from "./leaks/matcher";
import { routeUrls } from "./leaks/routes";
import { AUDITED_TABLES } from "../lib/audit/tables";
import { can } from "../lib/auth/permissions";

/**
 * "Hidden means never sent" (PRODUCT.md §2), checked from the outside for each demo user: gather
 * from the database what that user must never receive (e2e/leaks/forbidden.ts), then fetch
 * everything the user can reach — every page the app/ folder defines and every link and GET form
 * found from the landing page on, each as HTML and as its RSC payload; audit entry details (the
 * View Difference endpoint); both export formats; the audit page with URLs that try hidden
 * columns; a few pages rendered in the browser with client navigation and the diff popup — and
 * assert that no forbidden value occurs in any byte received (bodies and headers).
 *
 * LEAK_MAX_PAGES (default 200) bounds the crawl per user; pages are taken breadth-first over
 * every shape of URL, so a bound cuts repetitions (the 80th account), not kinds of page.
 */

const db = auditDbForSpec();
const MAX_PAGES = Number(process.env.LEAK_MAX_PAGES ?? 200);
const MIN_ENTRIES = 50;

/** Links the crawler does not follow, and why. */
function skipLink(url: URL): string | null {
  const p = url.pathname;
  if (p.startsWith("/_next/")) return "Next's static files (public build output, no data)";
  if (p.startsWith("/portal-assets/")) return "published branding assets (public, by hash)";
  if (p.startsWith("/api/auth/")) return "Auth.js endpoints (sign-out)";
  if (/sign-?out|log-?out/i.test(p)) return "sign-out";
  return null;
}

function report(user: DemoUser, leaks: Leak[]): string {
  const lines = leaks
    .slice(0, 60)
    .map(
      (l) =>
        `  [${user.role}] ${l.via.toUpperCase()} ${l.url} (${l.status}): ${l.kind} ` +
        `${JSON.stringify(l.value)} from ${l.source}\n      …${l.snippet}…`,
    );
  const more = leaks.length > 60 ? `\n  …and ${leaks.length - 60} more` : "";
  return `${leaks.length} forbidden value(s) received by ${user.email}:\n${lines.join("\n")}${more}`;
}

/** Scans every same-origin response the browser receives (client fetches, RSC navigations). */
function watchBrowser(page: Page, scanner: Scanner, origin: string): Promise<unknown>[] {
  const pending: Promise<unknown>[] = [];
  page.on("response", (res) => {
    const url = new URL(res.url());
    if (url.origin !== origin || url.pathname.startsWith("/_next/static/")) return;
    pending.push(
      res
        .body()
        .then((body) =>
          scanner.scan(
            "browser",
            url.pathname + url.search,
            res.status(),
            body.toString("utf8"),
            res.headers(),
          ),
        )
        // redirects and aborted navigations have no body
        .catch(() => undefined),
    );
  });
  return pending;
}

async function browseKeyPages(page: Page, user: DemoUser, auditBase: string) {
  // Client-side navigation through the app's own menu: the router's RSC requests.
  const nav = page.getByTestId(user.app === "portal" ? "portal-nav" : "control-panel-nav");
  const count = await nav.getByRole("link").count();
  for (let i = 0; i < count; i++) {
    await nav.getByRole("link").nth(i).click();
    await page.waitForLoadState("networkidle");
  }
  // The View Difference popup fetches the entry when it opens.
  await page.goto(auditBase);
  const buttons = page.getByRole("button", { name: "View Difference" });
  const n = Math.min(3, await buttons.count());
  for (let i = 0; i < n; i++) {
    await buttons.nth(i).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByText("Loading…")).toHaveCount(0);
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
  }
}

/** Entry ids to open: those the pages showed, plus a database sample of the viewer's scope
 * (every table and action, entries holding masked fields) and entries outside it (must 404). */
async function entrySample(forbidden: ForbiddenSet, seenOnPages: Set<number>): Promise<number[]> {
  const sql = db.sql;
  const scope = auditScopeSql(sql, forbidden.viewer);
  const ids = new Set<number>([...seenOnPages].sort((a, b) => b - a).slice(0, 30));
  const perKind = await sql<{ id: string }[]>`
    select id::text from (
      select id, row_number() over (partition by table_name, action order by id desc) as n
      from audit_log where ${scope}) x
    where n <= 2`;
  for (const r of perKind) ids.add(Number(r.id));
  for (const [table, def] of Object.entries(AUDITED_TABLES)) {
    const rules = "maskedFields" in def ? (def.maskedFields ?? []) : [];
    const hidden = rules
      .filter((r) => !can(forbidden.viewer.role, r.visibleWith))
      .flatMap((r) => [...r.fields]);
    if (hidden.length === 0) continue;
    const masked = await sql<{ id: string }[]>`
      select id::text from audit_log
      where ${scope} and table_name = ${table}
        and (before ?| ${sql.array(hidden)} or after ?| ${sql.array(hidden)})
      order by id desc limit 10`;
    for (const r of masked) ids.add(Number(r.id));
  }
  const outside = await sql<{ id: string }[]>`
    select id::text from audit_log where not (${scope}) order by id desc limit 10`;
  for (const r of outside) ids.add(Number(r.id));
  if (ids.size < MIN_ENTRIES) {
    const more = await sql<{ id: string }[]>`
      select id::text from audit_log order by (${scope}) desc, random() limit ${MIN_ENTRIES * 2}`;
    for (const r of more) {
      if (ids.size >= MIN_ENTRIES) break;
      ids.add(Number(r.id));
    }
  }
  return [...ids];
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(work));
}

for (const user of Object.values(DEMO) as DemoUser[]) {
  test(`[${user.role}] no byte received holds a value ${user.email} must never see`, async ({
    browser,
    baseURL,
  }) => {
    test.setTimeout(300_000);
    const started = performance.now();
    const sql = db.sql;
    const origin = new URL(baseURL!).origin;
    setBaseOrigin(origin);

    const context = await browser.newContext();
    const page = await context.newPage();
    const browserUserAgent = await page.evaluate(() => navigator.userAgent);
    const forbidden = await forbiddenFor(sql, user, {
      authSecret: process.env.E2E_AUTH_SECRET,
      databaseUrl: process.env.E2E_DATABASE_URL,
      browserUserAgent,
    });
    expect(forbidden.values.length, "no forbidden values gathered").toBeGreaterThan(0);
    const scanner = new Scanner(new LeakMatcher(forbidden.values));
    const portal = user.app === "portal";
    const auditBase = portal ? "/portal/audit-log" : "/audit-log";
    const otherBase = portal ? "/audit-log" : "/portal/audit-log";

    // 1. The browser: sign-in, the menu by client navigation, the diff popup.
    const browserResponses = watchBrowser(page, scanner, origin);
    await signIn(page, user.email);
    const landing = new URL(page.url()).pathname;
    await browseKeyPages(page, user, auditBase);
    await Promise.all(browserResponses);
    const browserCount = browserResponses.length;

    // 2. Every page the app defines and every link from the landing page on, HTML and RSC.
    const request = context.request;
    const routes = await routeUrls(sql, forbidden.viewer);
    const hiddenIp = !forbidden.allowedColumns.includes("ip");
    const [other] = await sql<{ id: string }[]>`
      select id::text from accounts where id is distinct from ${forbidden.viewer.accountId}
      order by id limit 1`;
    const hostile = [
      `${auditBase}?size=100`,
      `${auditBase}?q=${encodeURIComponent(`account:${other!.id}`)}`,
      `${auditBase}?pk=${other!.id}&table=accounts`,
      `${auditBase}?table=api_keys,users,email_outbox`,
      `${auditBase}?cursor=${encodeURIComponent("eyJpcCI6IjE5Mi4wLjIuMCJ9")}&nav=next`,
      // what a user without the IP column might try (the values are networks, not addresses,
      // so an echo of the query is not mistaken for a leak; and none the seed can allocate to an
      // ingress allow-list, which another account's data would then be)
      ...(hiddenIp
        ? [
            `${auditBase}?sort=ip&dir=asc`,
            `${auditBase}?sort=ip&dir=desc`,
            `${auditBase}?q=${encodeURIComponent("ip:192.0.2.0/24")}`,
            `${auditBase}?ip=${encodeURIComponent("198.51.0.0/16")}`,
            `${auditBase}?q=${encodeURIComponent("ip:2001:db8::/32")}`,
            `${auditBase}?q=192.0.2`,
          ]
        : []),
    ];
    const crawled = await crawl({
      request,
      scanner,
      seeds: [landing, "/", auditBase, ...routes.urls, ...hostile],
      maxPages: MAX_PAGES,
      concurrency: 3,
      skip: skipLink,
    });
    expect(crawled.rscMismatches, "RSC requests that did not return a flight payload").toEqual([]);
    expect(crawled.rscPages).toBeGreaterThan(0);

    // 3. Entry details, as the View Difference popup fetches them (and via the other app's URL).
    const entryIds = await entrySample(forbidden, crawled.entryIds);
    const entryStatus = new Map<number, number>();
    await inBatches(entryIds, 4, async (id) => {
      const res = await fetchAndScan(request, scanner, `${auditBase}/entries/${id}`, "json", {
        accept: "application/json",
      });
      entryStatus.set(res.status, (entryStatus.get(res.status) ?? 0) + 1);
    });
    await inBatches(entryIds.slice(0, 5), 4, (id) =>
      fetchAndScan(request, scanner, `${otherBase}/entries/${id}`, "json"),
    );
    expect(entryIds.length).toBeGreaterThanOrEqual(MIN_ENTRIES);

    // 4. Exports: both formats, the links the pages offered, searches, hidden-column attempts.
    const exportUrls = new Set<string>([
      `${auditBase}/export?format=csv`,
      `${auditBase}/export?format=ndjson`,
      `${auditBase}/export?format=csv&q=${encodeURIComponent("action:UPDATE")}`,
      `${auditBase}/export?format=ndjson&table=accounts,users,ingress_routes&sort=user`,
      `${otherBase}/export?format=ndjson`,
      ...[...crawled.exportLinks].slice(0, 4),
      ...(hiddenIp
        ? [
            `${auditBase}/export?format=csv&sort=ip`,
            `${auditBase}/export?format=ndjson&q=${encodeURIComponent("ip:192.0.2.0/24")}`,
            `${auditBase}/export?format=csv&ip=${encodeURIComponent("198.51.0.0/16")}`,
          ]
        : []),
    ]);
    const exportStatus: string[] = [];
    for (const url of exportUrls) {
      const res = await fetchAndScan(request, scanner, url, "export");
      exportStatus.push(`${res.status}`);
    }
    await context.close();

    const summary = {
      user: user.email,
      role: user.role,
      allowedColumns: forbidden.allowedColumns,
      forbidden: forbidden.values.length,
      forbiddenByKind: forbidden.counts,
      droppedAsOwnData: forbidden.ownData,
      pages: crawled.pages,
      rscPages: crawled.rscPages,
      urlShapes: crawled.patterns.size,
      unvisitedLinks: crawled.unvisited,
      browserResponses: browserCount,
      entries: { fetched: entryIds.length, byStatus: Object.fromEntries(entryStatus) },
      exports: exportStatus.join(" "),
      responsesScanned: scanner.responses,
      megabytesScanned: Number((scanner.bytes / 1e6).toFixed(1)),
      skippedRoutes: routes.skipped.length,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
    console.log(`[leaks] ${JSON.stringify(summary)}`);
    if (process.env.LEAK_DEBUG)
      console.log(Object.fromEntries(crawled.patterns), crawled.skippedLinks);
    await test.info().attach("leak-crawler-summary", {
      body: JSON.stringify({ ...summary, shapes: Object.fromEntries(crawled.patterns) }, null, 2),
      contentType: "application/json",
    });
    if (scanner.leaks.length > 0) console.log(report(user, scanner.leaks));
    expect(scanner.leaks.length, report(user, scanner.leaks)).toBe(0);
  });
}

import { expect, test, type Page, type Response } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { DEMO, signInAs } from "./fixtures";

/**
 * Hidden means never sent, whatever way in (issue 10): signed in as a viewer without the IP
 * column, every way of using the IP — sorting by it in the URL, `ip:` searches for an address
 * that occurs and one that does not, the IP filter in the URL, the page links, View Difference
 * and both export formats — and no client IP in any byte the browser received.
 */

const db = auditDbForSpec();

async function clientIps(accountScope: number | null): Promise<string[]> {
  const rows = await db.sql<{ ip: string }[]>`
    select distinct host(ip) as ip from audit_log
    where ip is not null and (${accountScope}::bigint is null or account_id = ${accountScope})`;
  return rows.map((r) => r.ip);
}

type Received = { url: string; body: string };

/** Every body the page receives from the app, HTML, RSC and JSON alike. */
function recordBodies(page: Page): Received[] {
  const bodies: Received[] = [];
  page.on("response", (res: Response) => {
    if (new URL(res.url()).pathname.startsWith("/_next/static/")) return; // public code only
    // Not awaited: the listener cannot be async; a body that never arrives is not a leak.
    void res.text().then(
      (body) => bodies.push({ url: res.url(), body }),
      () => {},
    );
  });
  return bodies;
}

/** A response to a request that carried the address was told it by the viewer: it may echo it. */
const typedIn = (url: string, ip: string) =>
  url.includes(ip) || decodeURIComponent(url).includes(ip);

const tableText = async (page: Page) => page.getByTestId("audit-table").innerText();
const countText = async (page: Page) => page.getByTestId("audit-count").innerText();

for (const who of ["support", "customer"] as const) {
  test(`[${who}] no client IP reaches the browser by sort, search, filters, links, details or export`, async ({
    page,
  }) => {
    const user = DEMO[who];
    const base = user.app === "portal" ? "/portal/audit-log" : "/audit-log";
    const [acme] = await db.sql<{ id: string }[]>`
      select id::text from accounts where name = 'Acme Telecom'`;
    const ips = await clientIps(who === "customer" ? Number(acme!.id) : null);
    expect(ips.length, "the demo data has client IPs to hide").toBeGreaterThan(5);
    const occurring = ips[0]!;

    await signInAs(page, who);
    const bodies = recordBodies(page);
    const extra: Received[] = [];
    const fetched = async (url: string, headers?: Record<string, string>) => {
      const res = await page.request.get(url, headers ? { headers } : undefined);
      extra.push({ url: res.url(), body: await res.text() });
      return res;
    };

    // Sorting by IP from the URL: ignored, newest first.
    await page.goto(`${base}?sort=ip&dir=asc`);
    const defaultTable = await tableText(page);
    await page.goto(base);
    expect(await tableText(page)).toBe(defaultTable);

    // ip: for an address that occurs and one that does not: one message, identical pages.
    await page.goto(`${base}?q=${encodeURIComponent(`ip:${occurring}`)}`);
    await expect(page.getByText("IP is not among your columns.")).toBeVisible();
    const found = { table: await tableText(page), count: await countText(page) };
    await page.goto(`${base}?q=${encodeURIComponent("ip:10.255.255.254")}`);
    await expect(page.getByText("IP is not among your columns.")).toBeVisible();
    expect({ table: await tableText(page), count: await countText(page) }).toEqual(found);
    await page.goto(`${base}?q=${encodeURIComponent("ip:0.0.0.0/0")}`);
    expect({ table: await tableText(page), count: await countText(page) }).toEqual(found);

    // The IP filter in the URL (the column's funnel writes the same parameter).
    await page.goto(`${base}?ip=${encodeURIComponent(occurring)}`);
    await expect(page.getByText("IP is not among your columns.")).toBeVisible();
    expect(await countText(page)).toBe(found.count);

    // The page links: three pages on, each with its RSC payload.
    await page.goto(`${base}?sort=user&dir=asc&size=25`);
    for (let i = 0; i < 3; i++) {
      const next = page.getByRole("link", { name: "Next →" });
      const href = await next.getAttribute("href");
      expect(href).toMatch(/cursor=\d+(&|$)/);
      await fetched(href!, { RSC: "1" });
      await next.click();
      await expect(page).toHaveURL(/cursor=\d+/);
    }

    // View Difference on a few rows.
    for (let i = 0; i < 3; i++) {
      const button = page.getByRole("button", { name: "View Difference" }).nth(i);
      // A click that lands before the table has hydrated does nothing: try again until it opens.
      await expect(async () => {
        await button.click();
        await expect(page.getByRole("dialog")).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 20_000 });
      await page.keyboard.press("Escape");
    }
    const ids = await db.sql<{ id: string }[]>`
      select id::text from audit_log where ip is not null
        and (${who === "customer" ? Number(acme!.id) : null}::bigint is null or account_id = ${who === "customer" ? Number(acme!.id) : null})
      order by id desc limit 20`;
    for (const { id } of ids) expect((await fetched(`${base}/entries/${id}`)).status()).toBe(200);

    // Both export formats: refused for support (no audit:export), without IPs for the portal.
    for (const format of ["csv", "ndjson"]) {
      const res = await fetched(`${base}/export?format=${format}`);
      expect(res.status()).toBe(who === "support" ? 403 : 200);
      const q = encodeURIComponent(`ip:${occurring}`);
      const searched = await fetched(`${base}/export?format=${format}&q=${q}`);
      expect(searched.status()).toBe(who === "support" ? 403 : 400);
    }

    await page.waitForLoadState("networkidle");
    const received = [...bodies, ...extra];
    expect(received.length).toBeGreaterThan(15);
    // One pass per body: any of the addresses, bare (not part of a longer one, not a CIDR).
    const anyIp = new RegExp(
      `(?<![\\w.:])(?:${ips.map((ip) => ip.replace(/[.:]/g, "\\$&")).join("|")})(?![\\w.:/])`,
      "g",
    );
    for (const { url, body } of received) {
      for (const match of body.matchAll(anyIp)) {
        if (typedIn(url, match[0])) continue;
        const context = body.slice(Math.max(0, match.index - 60), match.index + 60);
        expect.soft(match[0], `${match[0]} in ${url}: …${context}…`).toBe("no client IP");
      }
    }
  });
}

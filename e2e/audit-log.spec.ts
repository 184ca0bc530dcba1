import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { accountId, auditDbForSpec } from "./audit-db";
import { pageAs, signInAs, submitLogin } from "./fixtures";

const HEADERS = ["User", "IP", "Date / Time", "Primary Key", "Action", "Table", "Message", "Data"];
const db = auditDbForSpec();

const table = (page: Page) => page.getByTestId("audit-table");
const cells = (page: Page, column: string) => table(page).locator(`td[data-column="${column}"]`);
const headerTexts = async (page: Page) =>
  (await table(page).locator("thead th").allTextContents()).map((t) => t.trim());

async function search(page: Page, query: string) {
  const box = page.getByRole("searchbox", { name: "Search the audit log" });
  await box.fill(query);
  await box.press("Enter");
  await expect(page).toHaveURL(
    new RegExp(`[?&]q=${encodeURIComponent(query).replace(/%20/g, "(\\+|%20)")}`),
  );
}

async function countWhereAccount(id: number): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from audit_log where account_id = ${id}`;
  return row!.n;
}

async function shownCount(page: Page): Promise<number> {
  const text = await page.getByTestId("audit-count").innerText();
  return Number(text.replace(/[^\d]/g, ""));
}

test("[admin] sees the eight columns", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  expect(await headerTexts(page)).toEqual(HEADERS);
  await expect(cells(page, "ip").first()).toBeVisible();
});

test("[support] sees no IP column and no IP anywhere in the page", async ({ browser }) => {
  const adminPage = await pageAs(browser, "admin");
  await adminPage.goto("/audit-log?size=100");
  const ips = (await cells(adminPage, "ip").allInnerTexts())
    .map((t) => t.trim())
    .filter((t) => t !== "—");
  expect(ips.length).toBeGreaterThan(0);

  const supportPage = await pageAs(browser, "support");
  const response = await supportPage.goto("/audit-log?size=100");
  expect(await headerTexts(supportPage)).toEqual(HEADERS.filter((h) => h !== "IP"));
  const html = await response!.text();
  // A bare address, as the IP column shows it (not a prefix of a longer one, not a CIDR in data).
  const bare = (ip: string) => new RegExp(`(?<![\\w.:])${ip.replace(/[.:]/g, "\\$&")}(?![\\w.:/])`);
  for (const ip of new Set(ips)) expect(html, `IP ${ip} in the support page`).not.toMatch(bare(ip));
  // The client-side navigation payload (RSC) must not carry them either.
  const rsc = await supportPage.request.get("/audit-log?size=100", { headers: { RSC: "1" } });
  const payload = await rsc.text();
  for (const ip of new Set(ips)) {
    expect(payload, `IP ${ip} in the RSC payload`).not.toMatch(bare(ip));
  }
});

test("[admin] search by account id, qualifier and free text narrows the rows", async ({ page }) => {
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  const total = await shownCount(page);

  // A bare number finds the account's entries (and anything else carrying that id).
  await search(page, String(acme));
  const byId = await shownCount(page);
  const accountEntries = await countWhereAccount(acme);
  expect(byId).toBeGreaterThanOrEqual(accountEntries);
  expect(byId).toBeLessThan(total);

  await search(page, `account:${acme}`);
  expect(await shownCount(page)).toBe(accountEntries);

  await search(page, "action:update table:accounts");
  const actions = await cells(page, "action").allInnerTexts();
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions.map((a) => a.trim()))).toEqual(new Set(["UPDATE"]));
  expect(new Set((await cells(page, "tableName").allInnerTexts()).map((t) => t.trim()))).toEqual(
    new Set(["accounts"]),
  );

  await search(page, "credit limit");
  const messages = await cells(page, "message").allInnerTexts();
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) expect(m.toLowerCase()).toContain("credit limit");
});

test("[admin] a malformed query shows a message and leaves the results alone", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/audit-log?q=action%3Aupdate");
  const before = await cells(page, "message").allInnerTexts();
  const box = page.getByRole("searchbox", { name: "Search the audit log" });
  await box.fill("action:explode");
  await box.press("Enter");
  await expect(page.getByTestId("search-error")).toContainText("explode");
  expect(page.url()).toContain("q=action%3Aupdate");
  expect(await cells(page, "message").allInnerTexts()).toEqual(before);
});

test("[admin] sorting by User and by Date / Time orders the rows", async ({ page }) => {
  const sql = db.sql;
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  await table(page).getByRole("link", { name: "User" }).click();
  await expect(page).toHaveURL(/sort=user&dir=asc/);
  await expect(table(page).locator("th[aria-sort=ascending]")).toContainText("User");
  const users = (await cells(page, "user").allInnerTexts()).map((t) => t.trim());
  const expected = await sql<{ label: string }[]>`
    select actor_label as label from audit_log
    order by actor_label asc, occurred_at desc, id desc limit ${users.length}`;
  expect(users).toEqual(expected.map((r) => r.label));

  await table(page).getByRole("link", { name: "Date / Time" }).click();
  await expect(page).toHaveURL(/sort=occurredAt&dir=asc/);
  const times = await cells(page, "occurredAt")
    .locator("time")
    .evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
  expect(times.length).toBeGreaterThan(1);
  expect([...times].sort()).toEqual(times);

  await table(page).getByRole("link", { name: "Date / Time" }).click();
  await expect(page).toHaveURL(/sort=occurredAt&dir=desc/);
  const newestFirst = await cells(page, "occurredAt")
    .locator("time")
    .evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
  expect([...newestFirst].sort().reverse()).toEqual(newestFirst);
});

test("[admin] the Action funnel filter keeps only that action", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  await page.getByRole("button", { name: "Action column menu" }).click();
  await page.getByRole("menuitem", { name: "Filter…" }).click();
  const dialog = page.getByRole("dialog", { name: "Filter Action" });
  await dialog.getByLabel("DELETE").check();
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/action=DELETE/);
  await expect(page.getByRole("link", { name: "Remove filter Action: DELETE" })).toBeVisible();
  const actions = (await cells(page, "action").allInnerTexts()).map((a) => a.trim());
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(["DELETE"]));
});

test("[admin] a change made elsewhere appears after Refresh, filters kept", async ({
  page,
  browser,
}) => {
  await signInAs(page, "admin");
  await page.goto("/audit-log?action=LOGIN");
  const email = `intruder-${randomBytes(4).toString("hex")}@example.test`;
  await expect(table(page)).not.toContainText(email);

  const other = await (await browser.newContext()).newPage();
  await submitLogin(other, email, "guess");
  await expect(other.getByText("Invalid email or password.")).toBeVisible();

  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(table(page)).toContainText(`Failed sign-in for ${email}`);
  expect(page.url()).toContain("action=LOGIN");
});

test("[admin] View Difference shows the old and new values of an UPDATE", async ({ page }) => {
  const sql = db.sql;
  const [entry] = await sql<
    { id: string; before: Record<string, unknown>; after: Record<string, unknown> }[]
  >`
    select id::text, before, after from audit_log
    where action = 'UPDATE' and table_name = 'accounts' and before is not null
    order by occurred_at desc, id desc limit 1`;
  const changed = Object.keys(entry!.after).find(
    (k) =>
      !["updatedAt", "version"].includes(k) &&
      JSON.stringify(entry!.before[k]) !== JSON.stringify(entry!.after[k]),
  )!;
  await signInAs(page, "admin");
  await page.goto("/audit-log?action=UPDATE&table=accounts");
  await table(page)
    .locator(`tr[data-entry-id="${entry!.id}"]`)
    .getByRole("button", { name: "View Difference" })
    .click();
  const dialog = page.getByRole("dialog");
  const row = dialog.getByTestId("changed-fields").getByRole("row").filter({ hasText: changed });
  await expect(row).toContainText(String(entry!.before[changed]));
  await expect(row).toContainText(String(entry!.after[changed]));
  await expect(dialog.getByRole("columnheader", { name: "Before" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});

test("[admin] a reloaded URL restores the same view", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  await search(page, "table:accounts");
  await table(page).getByRole("link", { name: "User" }).click();
  await expect(page).toHaveURL(/sort=user/);
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  const ids = await table(page)
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-entry-id")));
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search the audit log" })).toHaveValue(
    "table:accounts",
  );
  expect(
    await table(page)
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-entry-id"))),
  ).toEqual(ids);
  await page.goBack();
  await expect(page).not.toHaveURL(/cursor=/);
});

test("[auditor] the CSV export has every column, and is recorded naming no values", async ({
  page,
}) => {
  await signInAs(page, "auditor");
  await page.goto("/audit-log?action=LOGIN");
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  const csv = readFileSync(await download.path(), "utf8");
  const [header, ...lines] = csv.trim().split("\n");
  expect(header).toBe(HEADERS.join(","));
  expect(lines.length).toBeGreaterThan(0);
  await page.goto("/audit-log?action=GENERATE");
  await expect(
    cells(page, "message")
      .filter({
        // Written when the export ended, with the rows it wrote.
        hasText: new RegExp(
          `^Generated CSV export of the audit log \\(narrowed by Action\\): ${lines.length.toLocaleString("en")} rows?$`,
        ),
      })
      .first(),
  ).toBeVisible();
});

test("[support] may not export: no Export link, and the export URL is refused", async ({
  page,
}) => {
  await signInAs(page, "support");
  await page.goto("/audit-log");
  await expect(page.getByTestId("audit-count")).toBeVisible();
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveCount(0);
  const res = await page.request.get("/audit-log/export?format=csv");
  expect(res.status()).toBe(403);
  expect(await res.json()).toMatchObject({
    detail: "Your role does not allow exporting the audit log.",
  });
});

test("[customer] sees only their own account's entries, whatever they ask for", async ({
  page,
}) => {
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  const zephyr = await accountId(sql, "Zephyr Transit");
  await signInAs(page, "customer");
  await page.goto("/portal/audit-log");
  const n = await countWhereAccount(acme);
  expect(await shownCount(page)).toBe(n);
  expect(await headerTexts(page)).not.toContain("IP");

  await search(page, `account:${zephyr}`);
  await expect(page.getByText("No entries match.")).toBeVisible();
  expect(await shownCount(page)).toBe(0);

  // URL parameters the page does not know are ignored, never a way into another account.
  await page.goto(`/portal/audit-log?account=${zephyr}&accountId=${zephyr}`);
  expect(await shownCount(page)).toBe(n);

  const [foreign] = await sql<{ id: string }[]>`
    select id::text from audit_log where account_id = ${zephyr} order by id desc limit 1`;
  const res = await page.request.get(`/portal/audit-log/entries/${foreign!.id}`);
  expect(res.status()).toBe(404);
  const exp = await page.request.get(`/portal/audit-log/export?format=ndjson&q=account:${zephyr}`);
  expect((await exp.text()).trim()).toBe("");
});

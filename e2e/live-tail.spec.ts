import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO, pageAs } from "./fixtures";
import { auditDbForSpec } from "./audit-db";

/**
 * The audit page's Live toggle, across two browsers: a change made in one appears in the other's
 * table without Refresh when it matches the search, a change outside it never does, and a portal
 * user's live view holds only their own account's entries.
 */

const db = auditDbForSpec();
const liveRows = (page: Page) => page.locator('[data-testid="audit-table"] tbody tr[data-live]');
const status = (page: Page) => page.getByTestId("live-status");

async function turnLiveOn(page: Page) {
  await page.getByRole("button", { name: "Live" }).click();
  await expect(page.getByRole("button", { name: "Live" })).toHaveAttribute("aria-pressed", "true");
  await expect(status(page)).toHaveText("0 new");
}

/** A fresh account made through the form; returns its id. */
async function createAccount(page: Page, name: string): Promise<number> {
  await page.goto("/accounts/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  return Number(new URL(page.url()).pathname.split("/").at(-1));
}

async function setChannels(page: Page, accountId: number, channels: number) {
  await page.goto(`/accounts/${accountId}`);
  await page.getByLabel("Channels").fill(String(channels));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("form-success")).toHaveText("Saved the account.");
}

const opened: Page[] = [];
async function open(browser: Browser, role: "admin" | "customer"): Promise<Page> {
  const page = await pageAs(browser, role);
  opened.push(page);
  return page;
}
// Closing the contexts closes their event streams too.
test.afterEach(async () => {
  for (const page of opened.splice(0)) await page.context().close();
});

test("[admin] with Live on, a matching change from another browser appears without Refresh; one outside the search does not; Pause holds new entries until Resume", async ({
  browser,
}) => {
  const suffix = randomBytes(4).toString("hex");
  const other = await open(browser, "admin");
  const inside = await createAccount(other, `Live Inside ${suffix}`);
  const outside = await createAccount(other, `Live Outside ${suffix}`);

  const page = await open(browser, "admin");
  await page.goto(`/audit-log?q=${encodeURIComponent(`account:${inside}`)}`);
  const shownBefore = await page.locator('[data-testid="audit-table"] tbody tr').count();
  await turnLiveOn(page);

  await setChannels(other, outside, 11);
  await setChannels(other, inside, 12);
  await expect(liveRows(page)).toHaveCount(1, { timeout: 10_000 });
  const row = liveRows(page).first();
  await expect(row.locator('td[data-column="recordPk"]')).toHaveText(String(inside));
  await expect(row.locator('td[data-column="action"]')).toHaveText("UPDATE");
  await expect(status(page)).toHaveText("1 new");
  // The outside change was saved first, so it would have arrived by now: nothing more came.
  await page.waitForTimeout(1500);
  await expect(liveRows(page)).toHaveCount(1);
  await expect(page.locator(`td[data-column="recordPk"]:text-is("${outside}")`)).toHaveCount(0);
  await expect(page.locator('[data-testid="audit-table"] tbody tr')).toHaveCount(shownBefore + 1);

  // Paused: counted, held back; shown on Resume.
  await page.getByRole("button", { name: "Pause" }).click();
  await setChannels(other, inside, 13);
  await expect(status(page)).toHaveText("2 new (1 waiting)", { timeout: 10_000 });
  await expect(liveRows(page)).toHaveCount(1);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(liveRows(page)).toHaveCount(2);
  await expect(status(page)).toHaveText("2 new");
});

test("[customer] the portal's live view shows the account's own new entries and never another account's", async ({
  browser,
}) => {
  const sql = db.sql;
  const [me] = await sql<{ name: string }[]>`
    select name from users where email = ${DEMO.customer.email}`;
  const admin = await open(browser, "admin");
  const foreign = await createAccount(admin, `Live Foreign ${randomBytes(4).toString("hex")}`);

  const page = await open(browser, "customer");
  await page.goto("/portal/audit-log");
  await turnLiveOn(page);

  // Another account's change first, then one of the portal user's own account.
  await setChannels(admin, foreign, 21);
  const colleague = await open(browser, "customer");
  const newName = `Maya Live ${Date.now().toString(36)}`;
  await colleague.goto("/portal/profile");
  await colleague.getByLabel("Name", { exact: true }).fill(newName);
  await colleague.getByRole("button", { name: "Save profile" }).click();
  await expect(colleague.getByText("Profile saved.")).toBeVisible();
  try {
    await expect(liveRows(page)).toHaveCount(1, { timeout: 10_000 });
    await expect(liveRows(page).first()).toContainText(newName);
    await page.waitForTimeout(1500);
    await expect(liveRows(page)).toHaveCount(1);
    await expect(page.getByText(`Live Foreign`)).toHaveCount(0);
  } finally {
    await colleague.goto("/portal/profile");
    await colleague.getByLabel("Name", { exact: true }).fill(me!.name);
    await colleague.getByRole("button", { name: "Save profile" }).click();
    await expect(colleague.getByText("Profile saved.")).toBeVisible();
  }
});

test("the live routes refuse another app's user and answer a plain request once", async ({
  browser,
}) => {
  const customer = await open(browser, "customer");
  const refused = await customer.request.get("/audit-log/live", { failOnStatusCode: false });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).not.toContain("entries");

  const admin = await open(browser, "admin");
  const staffRefused = await admin.request.get("/portal/audit-log/live", {
    failOnStatusCode: false,
  });
  expect(staffRefused.status()).toBe(403);

  const once = await admin.request.get("/audit-log/live?q=table%3Aaccounts");
  expect(once.headers()["content-type"]).toContain("text/event-stream");
  const body = await once.text();
  expect(body).toMatch(/^retry: 3000\n\nid: \d+\nevent: entries\ndata: \{"rows":\[\[/);
  const rows = JSON.parse(/data: (.*)\n/.exec(body)![1]!) as { rows: unknown[][] };
  expect(rows.rows.length).toBeGreaterThan(0);
  expect(rows.rows.every((r) => r[7] === "accounts")).toBe(true);

  const bad = await admin.request.get("/audit-log/live?since=abc", { failOnStatusCode: false });
  expect(bad.status()).toBe(400);
});

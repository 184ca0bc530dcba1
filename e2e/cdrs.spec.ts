import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { CDR_FIELDS, type CdrAudience } from "../lib/cdrs/fields";
import { accountId, auditDbForSpec } from "./audit-db";
import { signInAs } from "./fixtures";

/**
 * The CDR pages as each kind of viewer sees them: the account's own calls with its fields, the
 * carrier side for a carrier, and the admin's account filter and CSV export of the same view.
 */

const db = auditDbForSpec();

const never = (audience: CdrAudience) =>
  CDR_FIELDS.filter((f) => f.defaults[audience] === "N").map((f) => f.key);

/** The field keys of the table's columns (each header carries its field key). */
async function columnKeys(page: Page): Promise<string[]> {
  return page
    .getByTestId("cdr-table")
    .locator("thead th[data-field]")
    .evaluateAll((ths) => ths.map((th) => th.getAttribute("data-field") ?? ""));
}

async function rowCount(page: Page) {
  return page.getByTestId("cdr-table").getByRole("link", { name: "View" }).count();
}

test("[customer] portal@acme.example sees Acme's calls with the customer fields, no carrier side", async ({
  page,
}) => {
  await signInAs(page, "customer");
  await page.getByTestId("portal-nav").getByRole("link", { name: "CDRs" }).click();
  await expect(page).toHaveURL(/\/portal\/cdrs$/);
  await expect(page.getByRole("heading", { name: "CDRs" })).toBeVisible();
  expect(await rowCount(page)).toBeGreaterThan(0);

  const keys = await columnKeys(page);
  for (const key of ["dt", "callid", "dest_number", "customer_rate", "duration", "sip_code"]) {
    expect(keys).toContain(key);
  }
  for (const key of never("customer")) expect(keys).not.toContain(key);
  // Every row is one of Acme's.
  const customer = keys.indexOf("customer_id");
  const cells = await page
    .getByTestId("cdr-table")
    .locator(`tbody tr td:nth-child(${customer + 2})`)
    .allTextContents();
  expect(new Set(cells.map((c) => c.replace(/ \(\d+\)$/, "")))).toEqual(new Set(["Acme Telecom"]));

  // The record page: a definition list of the same fields, reached by a sealed reference.
  await page.getByTestId("cdr-table").getByRole("link", { name: "View" }).first().click();
  await expect(page).toHaveURL(/\/portal\/cdrs\/[A-Za-z0-9_-]{22}$/);
  const recordKeys = await page
    .getByTestId("cdr-record")
    .locator("[data-field]")
    .evaluateAll((els) => els.map((el) => el.getAttribute("data-field") ?? ""));
  expect(recordKeys).toEqual(keys);
  // A reference this server did not seal is simply not found.
  const res = await page.goto("/portal/cdrs/not-a-reference");
  expect(res?.status()).toBe(404);
});

test("[carrier] noc@zephyr.example sees the calls Zephyr terminated with carrier-side fields only", async ({
  page,
}) => {
  await signInAs(page, "carrier");
  await page.goto("/portal/cdrs");
  expect(await rowCount(page)).toBeGreaterThan(0);
  const keys = await columnKeys(page);
  for (const key of [
    "dt",
    "callid_b",
    "dest_number",
    "carrier_rate",
    "carrier_charge",
    "dest_ip",
  ]) {
    expect(keys).toContain(key);
  }
  for (const key of never("carrier")) expect(keys).not.toContain(key);

  // A filter on a sell-side field is refused by the field's name, whatever the value.
  await page.goto("/portal/cdrs?ingress=10001");
  await expect(page.getByTestId("cdr-error")).toHaveText("Ingress route is not among your fields.");
  await expect(page.getByTestId("cdr-table")).toHaveCount(0);
});

test("[admin] filters by account and exports the same view as CSV", async ({ page }) => {
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  await signInAs(page, "admin");
  await page.getByTestId("control-panel-nav").getByRole("link", { name: "CDRs" }).click();
  await expect(page).toHaveURL(/\/cdrs$/);

  const form = page.getByRole("form", { name: "CDR filters" });
  await form.getByLabel("Customer", { exact: true }).selectOption({ label: "Acme Telecom" });
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]account=${acme}(&|$)`));
  expect(await rowCount(page)).toBeGreaterThan(0);
  const keys = await columnKeys(page);
  const customer = keys.indexOf("customer_id");
  const cells = await page
    .getByTestId("cdr-table")
    .locator(`tbody tr td:nth-child(${customer + 2})`)
    .allTextContents();
  expect(new Set(cells)).toEqual(new Set([`Acme Telecom (${acme})`]));

  const started = new Date();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trimEnd().split("\n");
  const header = await page
    .getByTestId("cdr-table")
    .locator("thead th[data-field]")
    .allTextContents();
  expect(lines[0]).toBe(header.map((h) => (/[",]/.test(h) ? `"${h}"` : h)).join(","));
  expect(lines.length).toBeGreaterThan(1);
  const customerColumn = lines.slice(1).map((l) => l.split(",")[customer]);
  expect(new Set(customerColumn)).toEqual(new Set([String(acme)]));

  const [entry] = await sql<{ message: string; account_id: string | null }[]>`
    select message, account_id::text from audit_log
    where action = 'GENERATE' and table_name = 'cdrs' and occurred_at >= ${started}
    order by id desc limit 1`;
  expect(entry).toEqual({
    message: `Generated CSV export of CDRs (narrowed by account): ${(lines.length - 1).toLocaleString("en")} rows`,
    account_id: null,
  });
});

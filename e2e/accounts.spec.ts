import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createCustomerAccount, pageAs, signInAs } from "./fixtures";

/** The account pages end to end: every change lands in the audit log and can be restored. */

const table = (page: Page) => page.getByTestId("audit-table");
const firstRow = (page: Page) => table(page).locator("tbody tr").first();
const cell = (page: Page, column: string) => firstRow(page).locator(`td[data-column="${column}"]`);

async function searchAuditLog(page: Page, query: string) {
  await page.goto(`/audit-log?q=${encodeURIComponent(query)}`);
  await expect(page.getByRole("searchbox", { name: "Search the audit log" })).toHaveValue(query);
}

test("[admin] create a customer → newest audit entry is CREATE on accounts with its id as Primary Key; change its credit limit → UPDATE whose View Difference shows old and new; add an ingress route and find its entry by searching the Ingress ID; Restore brings the old credit limit back", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const name = `E2E Telecom ${randomBytes(4).toString("hex")}`;
  await signInAs(page, "admin");

  // Create.
  const id = await createCustomerAccount(page, name);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);

  await searchAuditLog(page, "table:accounts");
  await expect(cell(page, "action")).toHaveText("CREATE");
  await expect(cell(page, "tableName")).toHaveText("accounts");
  await expect(cell(page, "recordPk")).toHaveText(String(id));

  // Change the credit limit.
  await page.goto(`/accounts/${id}`);
  await page.getByLabel("Credit limit").fill("750");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("form-success")).toHaveText("Saved the account.");

  await searchAuditLog(page, `table:accounts pk:${id}`);
  await expect(cell(page, "action")).toHaveText("UPDATE");
  await expect(cell(page, "message")).toContainText("from 500.00 to 750.00");
  const updateId = await firstRow(page).getAttribute("data-entry-id");
  await firstRow(page).getByRole("button", { name: "View Difference" }).click();
  const dialog = page.getByRole("dialog");
  const changed = dialog.getByTestId("changed-fields").getByRole("row").filter({
    hasText: "creditLimit",
  });
  await expect(changed).toContainText("500.00");
  await expect(changed).toContainText("750.00");
  await page.keyboard.press("Escape");

  // Add an ingress route and find its entry by its Ingress ID.
  await page.goto(`/accounts/${id}?tab=ingress`);
  await page.getByLabel("Route name").fill("Main SIP");
  await page.getByLabel("Tech prefix").fill("4711#");
  await page.getByLabel("Allowed IPs").fill("203.0.113.9\n198.51.100.0/24");
  await page.getByRole("button", { name: "Add ingress route" }).click();
  const added = page.getByTestId("form-success");
  await expect(added).toContainText("Ingress ID");
  const ingressId = Number(/Ingress ID (\d+)/.exec(await added.innerText())![1]);
  await expect(page.getByTestId("ingress-table")).toContainText("203.0.113.9/32");

  await searchAuditLog(page, String(ingressId));
  const routeRow = table(page).locator("tbody tr").filter({ hasText: "ingress_routes" }).first();
  await expect(routeRow.locator('td[data-column="recordPk"]')).toHaveText(String(ingressId));
  await expect(routeRow.locator('td[data-column="action"]')).toHaveText("CREATE");

  // Restore the state before the credit-limit change.
  await page.goto(`/accounts/${id}?tab=history`);
  await page.getByRole("button", { name: `Restore state before entry #${updateId}` }).click();
  await expect(page.getByTestId("form-success")).toContainText(`before entry #${updateId}`);
  await page.goto(`/accounts/${id}`);
  await expect(page.getByLabel("Credit limit")).toHaveValue("500.00");

  await searchAuditLog(page, `table:accounts pk:${id}`);
  await expect(cell(page, "message")).toContainText(`to its state before entry #${updateId}`);
});

test("[support] a stale save is refused and the form shows the latest values", async ({
  browser,
}) => {
  const name = `Stale Telecom ${randomBytes(4).toString("hex")}`;
  const first = await pageAs(browser, "support");
  await first.goto("/accounts/new");
  await first.getByLabel("Name", { exact: true }).fill(name);
  await first.getByRole("button", { name: "Create account" }).click();
  await expect(first).toHaveURL(/\/accounts\/\d+$/);
  const url = first.url();

  const second = await pageAs(browser, "support");
  await second.goto(url);

  await first.getByLabel("Channels").fill("40");
  await first.getByRole("button", { name: "Save", exact: true }).click();
  await expect(first.getByTestId("form-success")).toBeVisible();

  await second.getByLabel("Calls per second").fill("9");
  await second.getByRole("button", { name: "Save", exact: true }).click();
  await expect(second.getByTestId("form-error")).toContainText(
    "This account was changed by someone else since you opened it",
  );
  await expect(second.getByLabel("Channels")).toHaveValue("40");
  await expect(second.getByLabel("Calls per second")).toHaveValue("0");
  // Saving again from the latest values goes through.
  await second.getByLabel("Calls per second").fill("9");
  await second.getByRole("button", { name: "Save", exact: true }).click();
  await expect(second.getByTestId("form-success")).toBeVisible();
});

test("[auditor] sees accounts read-only", async ({ page }) => {
  await signInAs(page, "auditor");
  await page.goto("/accounts?q=Acme");
  await expect(page.getByRole("link", { name: "New account" })).toHaveCount(0);
  await page.getByTestId("accounts-table").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await expect(page.getByText("Credit limit")).toBeVisible();
  await expect(page.getByRole("main").locator("form")).toHaveCount(0);
  await page.getByRole("link", { name: "History" }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
  await expect(page.getByRole("button", { name: /Restore/ })).toHaveCount(0);
});

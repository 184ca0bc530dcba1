import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createCustomerAccount, signInAs } from "./fixtures";

/**
 * Watches end to end (issue 15 item 4): a search saved from the audit page as a watch; a
 * matching change then arrives as an email in the outbox within the notifier's interval
 * (WATCH_INTERVAL_SECONDS, short in the harness), and a change outside the search does not.
 */

async function setCreditLimit(page: Page, id: number, limit: string) {
  await page.goto(`/accounts/${id}`);
  await page.getByLabel("Credit limit").fill(limit);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("form-success")).toHaveText("Saved the account.");
}

test("[admin] saves a search as a watch; a matching change is emailed, another is not", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const tag = randomBytes(4).toString("hex");
  await signInAs(page, "admin");
  const watched = await createCustomerAccount(page, `Watched ${tag}`);
  const other = await createCustomerAccount(page, `Unwatched ${tag}`);

  // The audit page's search and its Action filter, carried to the watches page.
  await page.goto(
    `/audit-log?q=${encodeURIComponent(`table:accounts pk:${watched}`)}&action=UPDATE`,
  );
  await page.getByRole("link", { name: "Watch this search" }).click();
  await expect(page).toHaveURL(/\/audit-log\/watches\?/);
  const form = page.getByRole("form", { name: "New watch" });
  await expect(form.getByLabel("Search")).toHaveValue(`table:accounts pk:${watched} action:UPDATE`);
  const name = `Credit of ${tag}`;
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Save watch" }).click();
  await expect(form.getByTestId("form-success")).toHaveText(`Watch ${name} saved.`);
  await expect(page.getByTestId("watches-list")).toContainText(name);

  // Outside the search first (another record), then inside it.
  await setCreditLimit(page, other, "999");
  await setCreditLimit(page, watched, "750");

  const message = page.getByTestId("outbox-message").filter({ hasText: `Watch "${name}"` });
  await expect(async () => {
    await page.goto("/outbox");
    await expect(message).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000, intervals: [1_000] });
  await expect(message).toContainText("1 new audit entry");
  await expect(message).toContainText("from 500.00 to 750.00");
  await expect(message).not.toContainText("999.00");
  await expect(message).not.toContainText(`Unwatched ${tag}`);
  await expect(message).toContainText("admin@example.com");

  // The watch's own entry is in the audit log, and the notifier does not notify about itself.
  await page.goto(`/audit-log?q=${encodeURIComponent(`table:watches ${name}`)}`);
  await expect(page.getByTestId("audit-table").locator("tbody tr").first()).toContainText("CREATE");
});

test("[customer] reaches the portal's watches page from the audit log", async ({ page }) => {
  await signInAs(page, "customer");
  await page.goto("/portal/audit-log?q=table%3Aingress_routes");
  await page.getByRole("link", { name: "Watch this search" }).click();
  await expect(page).toHaveURL(/\/portal\/audit-log\/watches\?/);
  await expect(page.getByRole("heading", { name: "Watches", level: 1 })).toBeVisible();
  await expect(page.getByRole("form", { name: "New watch" }).getByLabel("Search")).toHaveValue(
    "table:ingress_routes",
  );
});

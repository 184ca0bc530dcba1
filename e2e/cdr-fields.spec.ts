import { expect, test, type Page } from "@playwright/test";
import { signInAs } from "./fixtures";

/** The CDR field configuration: the admin's change lands in the audit log as a field list. */

const customerRate = (page: Page) =>
  page.getByRole("checkbox", { name: "Customers: customer_rate", exact: true });

async function newestMessage(page: Page) {
  await page.goto(`/audit-log?q=${encodeURIComponent("table:cdr_field_settings")}`);
  return page
    .getByTestId("audit-table")
    .locator("tbody tr")
    .first()
    .locator('td[data-column="message"]');
}

async function saveCustomers(page: Page) {
  await page.getByRole("button", { name: "Save customers" }).click();
  await expect(page.getByTestId("form-success").first()).toHaveText(
    "Saved the default fields for customers.",
  );
}

test("[admin] untick customer_rate for customers and save → the audit log reads 'Customer CDR fields: customer_rate: shown → hidden'; ticking it again reads back", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await signInAs(page, "admin");
  await page.goto("/settings/cdr-fields");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("CDR fields");
  await expect(customerRate(page)).toBeChecked();
  // A field customers never see cannot be ticked at all.
  await expect(
    page.getByRole("checkbox", { name: "Customers: carrier_rate", exact: true }),
  ).toHaveCount(0);

  await customerRate(page).uncheck();
  await saveCustomers(page);
  await expect(await newestMessage(page)).toHaveText(
    "Customer CDR fields: customer_rate: shown → hidden",
  );

  // Put it back, so the rest of the suite sees the demo's defaults.
  await page.goto("/settings/cdr-fields");
  await expect(customerRate(page)).not.toBeChecked();
  await customerRate(page).check();
  await saveCustomers(page);
  await expect(await newestMessage(page)).toHaveText(
    "Customer CDR fields: customer_rate: hidden → shown",
  );
});

test("[admin] opens Acme's override: it adds ingress_id, and the page says what Acme sees", async ({
  page,
}) => {
  await signInAs(page, "admin");
  await page.goto("/settings/cdr-fields");
  await page.getByRole("link", { name: /^Acme Telecom \(\d+\)$/ }).click();
  await expect(page.getByTestId("account-sees")).toContainText("Acme Telecom sees:");
  await expect(page.getByTestId("account-sees")).toContainText("Ingress route");
  await expect(
    page.getByRole("combobox", { name: "ingress_id for Acme Telecom", exact: true }),
  ).toHaveValue("shown");
  // Carrier-only fields have no control for a customer account.
  await expect(
    page.getByRole("combobox", { name: "carrier_rate for Acme Telecom", exact: true }),
  ).toHaveCount(0);
});

test("[auditor] reads the CDR field configuration with every control disabled and nothing to save", async ({
  page,
}) => {
  await signInAs(page, "auditor");
  await page.getByTestId("control-panel-nav").getByRole("link", { name: "CDR fields" }).click();
  await expect(page).toHaveURL(/\/settings\/cdr-fields$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("CDR fields");
  await expect(customerRate(page)).toBeDisabled();
  await expect(page.getByRole("button", { name: /^Save/ })).toHaveCount(0);
  await expect(page.getByText("only an admin can change them")).toBeVisible();
});

import { expect, test, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { pageAs, signInAs } from "./fixtures";

const db = auditDbForSpec();

/**
 * Portal feature switches, end to end: hiding "CDRs" in the branding draft and publishing takes
 * the section out of the portal's navigation and makes its page and export 404 for portal users;
 * the change is in the audit log and the versions compare. The spec restores the switch (and
 * publishes) at the end, so the specs that run after it see the CDRs again (workers: 1).
 */

async function setCdrsShown(page: Page, shown: boolean) {
  await page.goto("/branding");
  const box = page
    .getByTestId("portal-feature-switches")
    .getByRole("checkbox", { name: "CDRs", exact: true });
  await box.setChecked(shown);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved.")).toBeVisible();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /^Publish v\d+$/ })
    .click();
  await expect(
    page.getByText(/Published portal branding v\d+ \(portal CDRs shown\)/),
  ).toBeVisible();
}

const latestVersions = () =>
  db.sql<{ id: number; version_no: number; shows_cdrs: string | null }[]>`
    select id, version_no, snapshot->>'showCdrs' as shows_cdrs from branding_versions
    order by version_no desc limit 2`;

test("[portal-features] hiding CDRs removes them from the portal nav, 404s the page and export, and is audited and compared", async ({
  page,
  browser,
}) => {
  await signInAs(page, "branding");
  try {
    await setCdrsShown(page, false);
    const [hidden, before] = await latestVersions();
    expect(hidden!.shows_cdrs).toBe("false");

    const portal = await pageAs(browser, "customer");
    try {
      await portal.goto("/portal");
      const nav = portal.getByRole("navigation").first();
      await expect(nav.getByRole("link", { name: "Breakout report" })).toBeVisible();
      await expect(nav.getByRole("link", { name: "CDRs", exact: true })).toHaveCount(0);
      const pageRes = await portal.goto("/portal/cdrs");
      expect(pageRes?.status()).toBe(404);
      const exportRes = await portal.request.get("/portal/cdrs/export?format=csv");
      expect(exportRes.status()).toBe(404);
      expect(await exportRes.text()).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    } finally {
      await portal.context().close();
    }

    // In the audit log: the draft's UPDATE of portal_branding naming the switch.
    const [entry] = await db.sql<{ message: string }[]>`
      select message from audit_log where table_name = 'portal_branding' and action = 'UPDATE'
      order by id desc limit 1`;
    expect(entry!.message).toContain("portal CDRs shown");
    const auditor = await pageAs(browser, "admin");
    try {
      await auditor.goto("/audit-log?table=portal_branding");
      await expect(auditor.getByTestId("audit-table").locator("tbody tr").first()).toContainText(
        "portal CDRs shown",
      );
    } finally {
      await auditor.context().close();
    }

    // In the versions compare: the switch went from shown to hidden.
    await page.goto(`/branding/versions?from=${before!.id}&to=${hidden!.id}`);
    const diff = page.getByTestId("diff-showCdrs");
    await expect(diff).toContainText("portal CDRs shown");
    await expect(diff).toContainText("hidden");
  } finally {
    // Other specs expect the CDRs section: show it again and publish.
    await setCdrsShown(page, true);
  }
  const [restored] = await latestVersions();
  expect(restored!.shows_cdrs).toBe("true");
  const portal = await pageAs(browser, "customer");
  const res = await portal.goto("/portal/cdrs");
  expect(res?.status()).toBe(200);
  await portal.context().close();
});

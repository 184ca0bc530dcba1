import { expect, test, type Page } from "@playwright/test";
import { DEMO, signInAs, type DemoRole } from "./fixtures";

/**
 * The breakout report per role (issue 12): the admin sees the operator's money (cost, profit,
 * margin); support (by default) and the customer portal get no such column, not in the table
 * and not anywhere in the response; every viewer gets the chart of minutes and ASR.
 */

const SENSITIVE = /\bCost\b|\bProfit\b|Margin %/;

const reportPath = (who: DemoRole) =>
  DEMO[who].app === "portal" ? "/portal/reports/breakout" : "/reports/breakout";

async function headerTexts(page: Page): Promise<string[]> {
  // Text content, not the rendered text: the header row is drawn in capitals.
  const texts = await page.getByTestId("breakout-table").locator("thead th").allTextContents();
  return texts.map((t) => t.trim());
}

async function expectChart(page: Page) {
  const chart = page.getByTestId("breakout-chart");
  await expect(chart).toBeVisible();
  // recharts draws into an SVG once it has measured its container.
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
}

test("[admin] the breakout report shows cost, profit and margin, and the chart", async ({
  page,
}) => {
  await signInAs(page, "admin");
  const res = await page.goto(reportPath("admin"));
  expect(res?.status()).toBe(200);
  const headers = await headerTexts(page);
  expect(headers).toEqual(expect.arrayContaining(["Cost", "Profit", "Margin %", "Revenue"]));
  await expect(page.getByTestId("breakout-total").first()).toContainText("Total");
  await expectChart(page);
});

test("[carrier] the breakout report shows the carrier's own cost, no customer or sell side", async ({
  page,
}) => {
  await signInAs(page, "carrier");
  await page.goto(reportPath("carrier"));
  const headers = await headerTexts(page);
  expect(headers).toEqual(expect.arrayContaining(["Carrier destination", "Cost", "Attempts"]));
  for (const h of ["Customer", "Breakout", "Revenue", "Billed minutes", "Profit", "Margin %"]) {
    expect(headers).not.toContain(h);
  }
  await expectChart(page);
});

for (const who of ["support", "customer"] as const) {
  test(`[${who}] the breakout report has no cost, profit or margin, not even in the HTML`, async ({
    page,
  }) => {
    await signInAs(page, who);
    const path = reportPath(who);
    const html = await (await page.request.get(path)).text();
    expect(html).toContain("Breakout report");
    expect(html).not.toMatch(SENSITIVE);
    // Asking for them from the URL is refused by name, and still sends no figure.
    const asked = await (await page.request.get(`${path}?sort=profit&dir=desc`)).text();
    const refusal = "Profit is not among your columns.";
    expect(asked).toContain(refusal);
    expect(asked.split(refusal).join("")).not.toMatch(SENSITIVE);

    const res = await page.goto(path);
    expect(res?.status()).toBe(200);
    const headers = await headerTexts(page);
    expect(headers).toEqual(expect.arrayContaining(["Attempts", "ASR %", "Minutes"]));
    for (const h of headers) expect(h).not.toMatch(SENSITIVE);
    await expectChart(page);
  });
}

import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { createCustomerAccount, signInAs } from "./fixtures";

/*
 * The audit table at the widths people use it: at 1440 × 900 (sidebar and all) every column and
 * the first row's View Difference are on screen with nothing to scroll sideways; narrower, each
 * entry is a card of labelled fields. And "/" puts the cursor in the search box.
 */

const HEADERS = ["User", "IP", "Date / Time", "Primary Key", "Action", "Table", "Message", "Data"];
const table = (page: Page) => page.getByTestId("audit-table");
const firstEntry = (page: Page) => table(page).locator("tbody tr[data-entry-id]").first();

/** Nothing on the page scrolls sideways: not the table's frame, not the document. */
async function expectNoSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => {
    const frame = document.querySelector<HTMLElement>('[data-testid="audit-table-frame"]')!;
    const doc = document.scrollingElement!;
    return {
      frame: [frame.scrollWidth, frame.clientWidth],
      table: [
        document.querySelector('[data-testid="audit-table"]')!.scrollWidth,
        frame.clientWidth,
      ],
      document: [doc.scrollWidth, doc.clientWidth],
    };
  });
  for (const [name, [scroll, client]] of Object.entries(widths)) {
    expect(scroll, `${name} scrollWidth ≤ clientWidth (${client})`).toBeLessThanOrEqual(client!);
  }
}

/** Every header and the first row's View Difference lie inside the viewport, left to right. */
async function expectColumnsOnScreen(page: Page, headers: string[], width: number) {
  const ths = table(page).locator("thead th");
  expect((await ths.allTextContents()).map((t) => t.trim())).toEqual(headers);
  for (let i = 0; i < headers.length; i++) {
    const box = await ths.nth(i).boundingBox();
    expect(box, `${headers[i]} header is rendered`).not.toBeNull();
    expect(box!.x, `${headers[i]} header's left edge`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${headers[i]} header's right edge`).toBeLessThanOrEqual(width);
    // Its title, sort and menu controls fit inside it (they wrap rather than spill over).
    const [scroll, client] = await ths.nth(i).evaluate((th) => [th.scrollWidth, th.clientWidth]);
    expect(scroll, `${headers[i]} header's content width`).toBeLessThanOrEqual(client);
  }
  // The first row with before/after data (a LOGIN, say, has none).
  const view = table(page).getByRole("button", { name: "View Difference" }).first();
  await expect(view).toBeVisible();
  const box = (await view.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
}

test("[admin] at 1440 × 900 all eight columns and View Difference fit, the time is short with the full time on hover, axe is clean", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  await expectColumnsOnScreen(page, HEADERS, 1440);
  await expectNoSidewaysScroll(page);
  // Still a table: header cells over row cells, not cards.
  await expect(table(page).locator("thead")).toHaveCSS("display", "table-header-group");
  await expect(firstEntry(page)).toHaveCSS("display", "table-row");

  const time = firstEntry(page).locator("time");
  const short = (await time.locator("[aria-hidden]").textContent())!.replace(/\s+/g, " ").trim();
  expect(short).toMatch(/^\d{1,2} [A-Z][a-z]{2}( \d{4})? \d{2}:\d{2}:\d{2}$/);
  const full = await time.getAttribute("title");
  expect(full).toMatch(
    /^[A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}:\d{2}\.\d{3} \S+$/,
  );
  // The full time is what a screen reader reads, and the exact instant is machine-readable.
  await expect(time.locator(".sr-only")).toHaveText(full!);
  expect(await time.getAttribute("datetime")).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);

  await expectNoAxeViolations(page);
});

test("[admin] a long message is cut to two lines with its full text on hover, and opens from the keyboard", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAs(page, "admin");
  // An account with a long name (120 characters, the most there is) gets a long CREATE message.
  const tag = randomBytes(4).toString("hex");
  const name = `Long Name ${tag} ${"Interconnect Telecommunications Carrier ".repeat(3)}`
    .slice(0, 120)
    .trim();
  await createCustomerAccount(page, name);

  await page.goto("/audit-log");
  const cell = table(page).locator('td[data-column="message"]').filter({ hasText: tag }).first();
  const clipped = cell.getByRole("button", { name: "Full message" });
  await expect(clipped).toBeVisible();
  const text = cell.locator("p");
  const message = (await text.textContent())!;
  expect(message).toContain(name);
  await expect(text).toHaveAttribute("title", message);
  // The cell's text is still the message alone: the button adds none.
  expect((await cell.textContent())!.trim()).toBe(message);
  const closed = (await text.boundingBox())!.height;

  await clipped.focus();
  await expect(clipped).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("Enter");
  await expect(clipped).toHaveAttribute("aria-expanded", "true");
  expect((await text.boundingBox())!.height).toBeGreaterThan(closed);
  await page.keyboard.press("Enter");
  await expect(clipped).toHaveAttribute("aria-expanded", "false");
  await expectNoSidewaysScroll(page);
});

test("[admin] at 700 px each entry is a card of labelled fields; axe is clean", async ({
  page,
}) => {
  await page.setViewportSize({ width: 700, height: 900 });
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  await expectNoSidewaysScroll(page);
  const entry = firstEntry(page);
  await expect(entry).toHaveCSS("display", "grid");
  // Every field of the first entry is shown, with its label beside it (CSS-generated).
  for (const [column, label] of [
    ["user", "User"],
    ["ip", "IP"],
    ["occurredAt", "Date / Time"],
    ["recordPk", "Primary Key"],
    ["action", "Action"],
    ["tableName", "Table"],
    ["message", "Message"],
    ["data", "Data"],
  ] as const) {
    const cell = entry.locator(`td[data-column="${column}"]`);
    await expect(cell).toBeVisible();
    const shown = await cell.evaluate((td) =>
      getComputedStyle(td, "::before").content.replace(/\s*\/\s*""$/, ""),
    );
    expect(shown, `${column} label`).toBe(`"${label}"`);
    const box = (await cell.boundingBox())!;
    expect(box.x + box.width, `${column} inside the window`).toBeLessThanOrEqual(700);
  }
  // The sort and filter controls stay reachable above the cards.
  await expect(table(page).getByRole("link", { name: "Date / Time" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("[admin] / focuses the search box (not while typing elsewhere) and Enter searches", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAs(page, "admin");
  await page.goto("/audit-log");
  const box = page.getByRole("searchbox", { name: "Search the audit log" });
  await expect(box).toHaveAttribute("aria-keyshortcuts", "/");
  await expect(page.locator("form[role=search] kbd")).toHaveText("/");

  await page.locator("h1").click();
  await expect(box).not.toBeFocused();
  await page.keyboard.press("/");
  await expect(box).toBeFocused();
  await expect(box).toHaveValue(""); // the "/" moved focus, it was not typed
  // With a modifier it is not the shortcut.
  await page.locator("h1").click();
  await page.keyboard.press("Control+/");
  await expect(box).not.toBeFocused();

  await box.focus();
  await page.keyboard.type("action:update");
  await page.keyboard.press("/"); // typed in the box, as in any field
  await expect(box).toHaveValue("action:update/");
  await box.fill("action:update");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]q=action%3Aupdate/);
  await expect(table(page).locator('tbody td[data-column="action"]').first()).toHaveText("UPDATE");
});

test("[customer] the portal audit page fits at 1440 × 900 and stacks at 700 px", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAs(page, "customer");
  await page.goto("/portal/audit-log");
  const headers = (await table(page).locator("thead th").allTextContents()).map((t) => t.trim());
  expect(headers).toContain("Data");
  await expectColumnsOnScreen(page, headers, 1440);
  await expectNoSidewaysScroll(page);
  await expectNoAxeViolations(page);

  await page.setViewportSize({ width: 700, height: 900 });
  await expect(firstEntry(page)).toHaveCSS("display", "grid");
  await expectNoSidewaysScroll(page);
  await expectNoAxeViolations(page);
});

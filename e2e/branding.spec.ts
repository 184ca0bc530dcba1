import { expect, test, type Browser, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { png } from "../test/branding-image-fixtures";
import { pageAs, signInAs } from "./fixtures";

const db = auditDbForSpec();

/** rgb() as the browser reports a computed #rrggbb colour. */
const rgb = (hex: string) =>
  `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

const sidebarColour = (page: Page) =>
  page.locator(".portal-sidebar").evaluate((el) => getComputedStyle(el).backgroundColor);

/**
 * The custom stylesheet the page links, fetched as the browser would: published code is cached
 * for good, the draft's (in the preview) never.
 */
async function customCss(page: Page, caching = "public, max-age=31536000, immutable") {
  const href = await page
    .locator('link[rel="stylesheet"][href^="/portal-assets/custom/"]')
    .getAttribute("href");
  expect(href).toMatch(/^\/portal-assets\/custom\/[0-9a-f]{64}\.css$/);
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/css");
  expect(res.headers()["cache-control"]).toBe(caching);
  return res.text();
}

async function publish(page: Page) {
  await page.goto("/branding");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /^Publish v\d+$/ })
    .click();
  await expect(page.getByText(/Published portal branding v\d+/)).toBeVisible();
}

async function portalPage(browser: Browser) {
  const page = await pageAs(browser, "customer");
  return { page, close: () => page.context().close() };
}

test("[branding] colour and CSS: save, preview, publish, audit, restore", async ({
  page,
  browser,
}) => {
  const sql = db.sql;
  const marker = `e2e-${Date.now()}`;
  const colour = "#7a1f5c";
  const css = `/* ${marker} */\n.portal-header { outline: 3px solid rgb(1, 2, 3); }`;
  const [previous] = await sql<{ version_no: number; css: string }[]>`
    select version_no, snapshot->>'customCss' as css from branding_versions
    order by version_no desc limit 1`;

  await signInAs(page, "branding");
  await page.goto("/branding");
  await page.getByLabel("Primary colour", { exact: true }).fill(colour);
  // The code editor (CodeMirror) stands in for the textarea once loaded.
  await expect(page.locator(".cm-editor")).toHaveCount(3);
  await page.getByRole("textbox", { name: "Custom CSS" }).fill(css);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await expect(page.getByTestId("branding-status")).toContainText(
    "Unpublished changes since v" + previous!.version_no + ": primary colour, custom CSS",
  );

  // The preview draws the draft; the published portal does not have it yet.
  const [preview] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByRole("link", { name: "Preview" }).click(),
  ]);
  await preview.waitForLoadState();
  expect(await sidebarColour(preview)).toBe(rgb(colour));
  expect(await customCss(preview, "private, no-store")).toContain(marker);
  const draftHref = await preview
    .locator('link[rel="stylesheet"][href^="/portal-assets/custom/"]')
    .getAttribute("href");
  await expect(preview.locator(".portal-header")).toHaveCSS("outline-color", "rgb(1, 2, 3)");
  await preview.close();

  const portal = await portalPage(browser);
  expect(await sidebarColour(portal.page)).not.toBe(rgb(colour));
  // Unpublished code is not served to portal users, even by its exact address.
  expect((await portal.page.request.get(draftHref!)).status()).toBe(404);

  await publish(page);
  await portal.page.reload();
  expect(await sidebarColour(portal.page)).toBe(rgb(colour));
  expect(await customCss(portal.page)).toContain(marker);
  await expect(portal.page.locator(".portal-header")).toHaveCSS("outline-color", "rgb(1, 2, 3)");

  // The audit page: the UPDATE with the CSS line in its diff, and the PUBLISH.
  await page.goto("/audit-log?table=portal_branding&action=UPDATE");
  const update = page.getByTestId("audit-table").locator("tbody tr").first();
  await expect(update).toContainText("primary colour");
  await update.getByRole("button", { name: "View Difference" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`/* ${marker} */`);
  await expect(dialog).toContainText(".portal-header { outline: 3px solid rgb(1, 2, 3); }");
  await page.keyboard.press("Escape");
  await page.goto("/audit-log?action=PUBLISH");
  await expect(page.getByTestId("audit-table").locator("tbody tr").first()).toContainText(
    `v${previous!.version_no + 1}`,
  );

  // Restoring the version before ours and publishing it brings its CSS back.
  await page.goto("/branding/versions");
  await page
    .getByRole("row", { name: new RegExp(`^v${previous!.version_no}\\b`) })
    .getByRole("button", { name: "Restore into draft" })
    .click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: `Restore v${previous!.version_no}` })
    .click();
  await expect(
    page.getByText(`Restored portal branding draft from v${previous!.version_no}`),
  ).toBeVisible();
  await publish(page);
  await portal.page.reload();
  const restored = await customCss(portal.page);
  expect(restored).not.toContain(marker);
  expect(restored).toBe(previous!.css);
  await portal.close();
});

test("[branding] custom CSS and JavaScript reach the portal only, under a CSP", async ({
  page,
  browser,
}) => {
  const portal = await portalPage(browser);
  const violations: string[] = [];
  portal.page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const response = await portal.page.goto("/portal");
  const csp = response!.headers()["content-security-policy"] ?? "";
  const directive = (name: string) =>
    csp
      .split(/;\s*/)
      .find((d) => d.startsWith(`${name} `))
      ?.split(" ")
      .slice(1);
  const scripts = directive("script-src")!;
  expect(scripts[0]).toBe("'self'");
  expect(scripts[1]).toMatch(/^'nonce-[A-Za-z0-9+/=]+'$/);
  expect(scripts).toHaveLength(2); // no 'unsafe-inline', no 'unsafe-eval', no other host
  expect(directive("connect-src")).toEqual(["'self'"]);
  const script = portal.page.locator('script[src^="/portal-assets/custom/"]');
  await expect(script).toHaveCount(1);
  // The demo's published script adds a maintenance note: it ran, and nothing was blocked.
  await expect(portal.page.locator(".maintenance-note")).toBeVisible();
  await portal.page.getByRole("link", { name: "Audit log" }).click();
  await expect(portal.page.getByTestId("audit-table")).toBeVisible();
  expect(violations).toEqual([]);
  await portal.close();

  await signInAs(page, "admin");
  for (const path of ["/audit-log", "/branding", "/accounts"]) {
    await page.goto(path);
    await expect(
      page.locator('[href^="/portal-assets/custom/"], [src^="/portal-assets/custom/"]'),
    ).toHaveCount(0);
  }
});

test("[branding] sees the custom JavaScript read-only; [admin] can edit it", async ({
  page,
  browser,
}) => {
  await signInAs(page, "branding");
  await page.goto("/branding");
  // The textarea (the form field) and the editor shown in its place are both read-only.
  await expect(page.locator('textarea[name="customJs"]')).toHaveAttribute("readonly", "");
  await expect(page.getByRole("textbox", { name: "Custom JavaScript" })).toHaveAttribute(
    "aria-readonly",
    "true",
  );
  await expect(page.getByText("Read-only for your role")).toBeVisible();
  await expect(page.locator('textarea[name="customCss"]')).not.toHaveAttribute("readonly", "");
  await expect(page.getByRole("textbox", { name: "Custom CSS" })).not.toHaveAttribute(
    "aria-readonly",
  );

  const adminPage = await pageAs(browser, "admin");
  await adminPage.goto("/branding");
  await expect(adminPage.locator('textarea[name="customJs"]')).not.toHaveAttribute("readonly", "");
  await expect(adminPage.getByRole("textbox", { name: "Custom JavaScript" })).not.toHaveAttribute(
    "aria-readonly",
  );
  await adminPage.context().close();
});

test("[support] has no Branding page and cannot open it", async ({ page }) => {
  await signInAs(page, "support");
  await expect(page.getByRole("link", { name: "Branding" })).toHaveCount(0);
  const res = await page.goto("/branding");
  expect(res!.status()).toBe(403);
});

test("[branding] an SVG logo loses its script; logo and favicon reach the portal once published", async ({
  page,
  browser,
}) => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50">' +
    '<script>alert(1)</script><rect width="200" height="50" fill="#123456" onload="alert(2)"/></svg>';
  await signInAs(page, "branding");
  await page.goto("/branding");
  const logo = page.getByTestId("branding-logo");
  await logo.getByLabel("Logo").setInputFiles({
    name: "logo.svg",
    mimeType: "image/svg+xml",
    buffer: Buffer.from(svg),
  });
  await logo.getByRole("button", { name: "Upload logo" }).click();
  await expect(logo).toContainText("Logo uploaded to the draft. Unsafe content was removed");
  const favicon = page.getByTestId("branding-favicon");
  await favicon.getByLabel("Favicon").setInputFiles({
    name: "favicon.png",
    mimeType: "image/png",
    buffer: Buffer.from(png(32, 32)),
  });
  await favicon.getByRole("button", { name: "Upload favicon" }).click();
  await expect(favicon).toContainText("Favicon uploaded to the draft.");

  // Not an image at all, whatever its name says: refused, and the logo stays.
  await logo.getByLabel("Logo").setInputFiles({
    name: "evil.png",
    mimeType: "image/png",
    buffer: Buffer.from("<html><script>alert(1)</script></html>"),
  });
  await logo.getByRole("button", { name: "Upload logo" }).click();
  await expect(logo).toContainText("This file is not a PNG, JPEG, WebP or SVG image.");
  await publish(page);

  const portal = await portalPage(browser);
  const img = portal.page.locator(".portal-logo img");
  const src = await img.getAttribute("src");
  expect(src).toMatch(/^\/portal-assets\/images\/[0-9a-f]{64}\.svg$/);
  const served = await portal.page.request.get(src!);
  expect(served.headers()["content-type"]).toBe("image/svg+xml");
  expect(served.headers()["cache-control"]).toContain("max-age=31536000");
  const body = await served.text();
  expect(body).toContain("<rect");
  expect(body).not.toMatch(/script|onload/i);
  const icon = await portal.page.locator('link[rel="icon"]').getAttribute("href");
  expect(icon).toMatch(/^\/portal-assets\/images\/[0-9a-f]{64}\.png$/);
  expect((await portal.page.request.get(icon!)).headers()["content-type"]).toBe("image/png");
  await portal.close();
});

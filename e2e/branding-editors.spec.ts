import { expect, test, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { expectNoAxeViolations } from "./axe";
import { savedSignIn, signInAs } from "./fixtures";

/**
 * The Branding page's code editors (components/branding/code-field.tsx): a syntax error shows
 * while typing, a save with one is refused with its line and column and writes nothing, a valid
 * save refreshes the preview beside the editors. Each test puts the code it changed back, so the
 * demo's published script and styles (which other specs rely on) are what the next publish has.
 */

const db = auditDbForSpec();

type Stored = { version: number; customCss: string; customJs: string };

async function stored(): Promise<Stored> {
  const [row] = await db.sql<Stored[]>`
    select version, custom_css as "customCss", custom_js as "customJs"
    from portal_branding where id = 1`;
  return row!;
}

async function openBranding(page: Page) {
  await page.goto("/branding");
  // The editors replace the three textareas once their script has loaded.
  await expect(page.locator(".cm-editor")).toHaveCount(3);
}

/** The editor for `label` (its contenteditable; the textarea behind it is hidden). */
const editor = (page: Page, label: string) => page.getByRole("textbox", { name: label });

async function typeCode(page: Page, label: string, code: string) {
  await editor(page, label).click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

async function save(page: Page) {
  await page.getByRole("button", { name: "Save draft" }).click();
}

async function putBack(page: Page, label: string, code: string) {
  await openBranding(page);
  await typeCode(page, label, code);
  await save(page);
  await expect(page.getByText(/Draft saved|Nothing to save/)).toBeVisible();
}

test("[branding] CSS with a missing brace: shown while typing, refused with line and column; valid CSS saves and the preview shows it", async ({
  page,
}) => {
  const marker = `e2e-editor-${Date.now()}`;
  const before = await stored();
  await signInAs(page, "branding");
  await openBranding(page);
  const frame = page.getByTestId("branding-preview-frame");
  await expect(frame).toHaveAttribute("data-version", String(before.version));

  const broken = `/* ${marker} */\n.portal-header {\n  outline: 3px solid rgb(4, 5, 6);\n`;
  await typeCode(page, "Custom CSS", broken);
  // Before any save: the check in words and the underlined spot in the editor.
  await expect(page.getByTestId("code-check-customCss")).toHaveText(
    "Syntax error: Line 2, column 1: Unclosed block",
  );
  await expect(page.getByTestId("code-field-customCss").locator(".cm-lintRange-error")).toHaveCount(
    1,
  );

  await save(page);
  await expect(page.locator("#field-customCss-error")).toHaveText(
    "Line 2, column 1: Unclosed block",
  );
  // The editor keeps what was typed, and describes itself by the error now.
  await expect(editor(page, "Custom CSS")).toHaveAttribute(
    "aria-describedby",
    "field-customCss-error",
  );
  await expect(editor(page, "Custom CSS")).toContainText(marker);
  expect(await stored()).toEqual(before);

  const fixed = `${broken}}\n`;
  await typeCode(page, "Custom CSS", fixed);
  await expect(page.getByTestId("code-check-customCss")).toHaveText("");
  await save(page);
  await expect(page.getByText("Draft saved")).toBeVisible();
  const after = await stored();
  expect(after).toMatchObject({ version: before.version + 1, customCss: fixed });

  // The preview beside the editors reloaded with the saved draft.
  await expect(frame).toHaveAttribute("data-version", String(after.version));
  await expect(
    page.frameLocator('[data-testid="branding-preview-frame"]').locator(".portal-header"),
  ).toHaveCSS("outline-color", "rgb(4, 5, 6)");

  await putBack(page, "Custom CSS", before.customCss);
  expect((await stored()).customCss).toBe(before.customCss);
});

test("[admin] JavaScript with a syntax error: shown while typing, refused with line and column; the preview never runs the script", async ({
  page,
}) => {
  const marker = `e2e${Date.now()}`;
  const before = await stored();
  await signInAs(page, "admin");
  await openBranding(page);

  await typeCode(page, "Custom JavaScript", "const ok = 1;\nif (ok {}");
  await expect(page.getByTestId("code-check-customJs")).toHaveText(
    "Syntax error: Line 2, column 8: Unexpected token",
  );
  await save(page);
  await expect(page.locator("#field-customJs-error")).toHaveText(
    "Line 2, column 8: Unexpected token",
  );
  expect(await stored()).toEqual(before);

  const valid = `document.documentElement.dataset.ran = "${marker}";\n`;
  await typeCode(page, "Custom JavaScript", valid);
  await expect(page.getByTestId("code-check-customJs")).toHaveText("");
  await save(page);
  await expect(page.getByText("Draft saved")).toBeVisible();
  expect(await stored()).toMatchObject({ version: before.version + 1, customJs: valid });
  const preview = page.frameLocator('[data-testid="branding-preview-frame"]');
  await expect(preview.locator(".portal-header")).toBeVisible();
  await expect(preview.locator("html")).not.toHaveAttribute("data-ran", marker);

  await putBack(page, "Custom JavaScript", before.customJs);
  expect((await stored()).customJs).toBe(before.customJs);
});

test("[branding] the editors pass axe, leave focus on Tab, and keep the script read-only", async ({
  page,
}) => {
  await signInAs(page, "branding");
  await openBranding(page);
  await expectNoAxeViolations(page);

  // Tab is not captured: it moves on from the CSS editor to the next field.
  await editor(page, "Custom CSS").focus();
  await page.keyboard.press("Tab");
  await expect(editor(page, "Custom CSS")).not.toBeFocused();
  await expect(editor(page, "Custom JavaScript")).toBeFocused();

  const js = editor(page, "Custom JavaScript");
  await expect(js).toHaveAttribute("aria-readonly", "true");
  const before = await js.textContent();
  await js.click();
  await page.keyboard.insertText("alert(1);");
  await expect(js).toHaveText(before ?? "");
});

test("[branding] only the preview may be framed, and only by this origin", async ({ page }) => {
  await signInAs(page, "branding");
  const preview = await page.request.get("/branding-preview");
  expect(preview.status()).toBe(200);
  expect(preview.headers()["x-frame-options"]).toBe("SAMEORIGIN");
  expect(preview.headers()["content-security-policy"]).toContain("frame-ancestors 'self'");
  const branding = await page.request.get("/branding");
  expect(branding.headers()["x-frame-options"]).toBe("DENY");
  expect(branding.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test("[branding] without JavaScript the textareas are the form: a syntax error is refused, valid CSS saves", async ({
  browser,
}) => {
  const before = await stored();
  const context = await browser.newContext({
    javaScriptEnabled: false,
    storageState: savedSignIn("branding"),
  });
  const page = await context.newPage();
  await page.goto("/branding");
  await expect(page.locator(".cm-editor")).toHaveCount(0);
  const css = page.locator('textarea[name="customCss"]');
  await expect(css).toBeVisible();
  await css.fill("a { color: red;\n");
  await save(page);
  await expect(page.locator("#field-customCss-error")).toHaveText(
    "Line 1, column 1: Unclosed block",
  );
  expect(await stored()).toEqual(before);

  await page.locator('textarea[name="customCss"]').fill(`${before.customCss}\n/* no-js */\n`);
  await save(page);
  await expect(page.getByText("Draft saved")).toBeVisible();
  expect((await stored()).customCss).toContain("/* no-js */");
  await page.locator('textarea[name="customCss"]').fill(before.customCss);
  await save(page);
  await expect(page.getByText("Draft saved")).toBeVisible();
  expect((await stored()).customCss).toBe(before.customCss);
  await context.close();
});

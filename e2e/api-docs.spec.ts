import { expect, test } from "@playwright/test";
import { signInAs } from "./fixtures";

type Recorded = Window & { __cspViolations?: string[] };

test("[admin] /api-docs renders the API reference read-only, with no CSP violation", async ({
  page,
}) => {
  // Recorded from the first script on: a violation while Swagger UI boots counts too.
  await page.addInitScript(() => {
    const w = window as Recorded;
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__cspViolations!.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  const consoleViolations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) consoleViolations.push(m.text());
  });

  await signInAs(page, "admin");
  await page.getByTestId("control-panel-nav").getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/api-docs$/);

  // The app's own nonce-based policy: this page is not given a weaker one.
  const response = await page.request.get("/api-docs");
  const csp = response.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
  expect(csp).toContain("connect-src 'self'");

  const reference = page.getByTestId("api-reference");
  await expect(reference.getByText("Create an account", { exact: true })).toBeVisible({
    timeout: 20_000,
  });
  await expect(reference.getByText("Publish the branding draft", { exact: true })).toBeVisible();

  // Read only: an opened operation offers no "Try it out", and there is no Authorize button, so
  // no key is ever typed into or kept by this page.
  await reference.getByText("Create an account", { exact: true }).click();
  await expect(reference.getByText("Idempotency-Key").first()).toBeVisible();
  await expect(reference.getByRole("button", { name: /try it out/i })).toHaveCount(0);
  await expect(reference.getByRole("button", { name: /authorize/i })).toHaveCount(0);
  expect(await page.content()).not.toMatch(/tl_[0-9a-f]{8}_/);

  const violations = await page.evaluate(() => (window as Recorded).__cspViolations ?? []);
  expect([...violations, ...consoleViolations]).toEqual([]);
});

import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { BACKGROUND_TABLES } from "./harness/background-tables";
import { auditDbForSpec } from "./audit-db";
import { signInAs, submitLogin, type DemoRole } from "./fixtures";
import { HOSTILE_TEXT } from "../test/hostile-payloads";

/**
 * Hostile input over HTTP (issue 14): SQL- and LIKE-looking text in every search box and filter
 * of the pages and exports answers a page or a clear refusal, never a 500, and leaves every table
 * as it was; markup typed into the forms is stored exactly and shown as text wherever it appears
 * (no dialog ever opens). The REST API's reads get the same payloads in-process
 * (test/hostile-queries.test.ts), the exports' formula cells in test/export-formula.test.ts.
 */

const db = auditDbForSpec();

const PAYLOADS = [...HOSTILE_TEXT, "x".repeat(5000)];
/** Already percent-encoded, some of them malformed: sent as they are. */
const RAW = ["%", "%E0%A4%A", "%FF%FE", "%00", "%27%20OR%201%3D1--"];

const ROUTES: Record<"admin" | "customer", Record<string, string[]>> = {
  admin: {
    "/audit-log": [
      "q",
      "action",
      "table",
      "user",
      "ip",
      "pk",
      "from",
      "to",
      "sort",
      "dir",
      "cursor",
      "size",
      "nav",
    ],
    "/audit-log/export": ["q", "action", "table", "user", "ip", "pk", "from", "to", "format"],
    "/accounts": ["q", "type", "status", "after"],
    "/users": ["q", "role", "status"],
    "/cdrs": [
      "from",
      "to",
      "account",
      "ingress",
      "carrier",
      "dest",
      "sip",
      "connected",
      "number",
      "order",
      "cursor",
    ],
    "/cdrs/export": ["from", "to", "account", "carrier", "dest", "sip", "number"],
    "/reports/breakout": ["from", "to", "group", "period", "customer", "carrier", "sort", "dir"],
    "/reports/breakout/export": ["from", "to", "group", "customer", "sort"],
    "/branding/versions": ["from", "to"],
  },
  customer: {
    "/portal/audit-log": ["q", "action", "table", "user", "pk", "from", "to", "sort", "cursor"],
    "/portal/audit-log/export": ["q", "table", "pk", "format"],
    "/portal/cdrs": ["from", "to", "ingress", "dest", "sip", "number", "cursor"],
    "/portal/cdrs/export": ["dest", "number", "from"],
    "/portal/reports/breakout": ["from", "to", "group", "period", "sort"],
    "/portal/reports/breakout/export": ["group", "sort"],
    "/portal/users": ["q", "status"],
  },
};

/** Row counts of every table but those a read writes to (its GET/GENERATE entries, sessions). */
async function tableCounts(): Promise<Record<string, number>> {
  const sql = db.sql;
  const tables = await sql<{ name: string }[]>`
    select tablename as name from pg_tables where schemaname = 'public'
      and tablename not in ('audit_log', 'audit_signatures') and tablename <> all(${[...BACKGROUND_TABLES]})
    order by 1`;
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await sql<{ n: string }[]>`select count(*)::text as n from ${sql(name)}`;
    out[name] = Number(row!.n);
  }
  return out;
}

/** Fails the test on any dialog a page opens (alert, confirm, prompt). */
function noDialogs(page: Page): string[] {
  const fired: string[] = [];
  page.on("dialog", (d) => {
    fired.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return fired;
}

for (const role of ["admin", "customer"] as const satisfies DemoRole[]) {
  test(`[${role}] SQL- and LIKE-looking text in every filter of every list page and export: no 500, tables intact`, async ({
    page,
  }) => {
    test.setTimeout(600_000);
    const fired = noDialogs(page);
    const before = await tableCounts();
    await signInAs(page, role);
    const failures: string[] = [];
    for (const [route, keys] of Object.entries(ROUTES[role])) {
      for (const key of keys) {
        const values = [...PAYLOADS.map(encodeURIComponent), ...RAW];
        for (const value of values) {
          const url = `${route}?${key}=${value}`;
          const res = await page.request.get(url, { maxRedirects: 0 });
          if (res.status() >= 500) failures.push(`${url.slice(0, 120)}: ${res.status()}`);
          await res.dispose();
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await tableCounts()).toEqual(before);

    // The search boxes render the payload back as typed, in a page that works.
    const search = role === "admin" ? "/audit-log" : "/portal/audit-log";
    for (const payload of PAYLOADS.filter((p) => !p.includes("\u0000") && p.length < 100)) {
      await page.goto(`${search}?q=${encodeURIComponent(payload)}`);
      await expect(page.getByRole("searchbox", { name: "Search the audit log" })).toHaveValue(
        payload,
      );
    }
    if (role === "admin") {
      await page.goto(`/accounts?q=${encodeURIComponent("' OR 1=1--")}`);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    }
    expect(fired).toEqual([]);
  });
}

const markup = (stamp: string) =>
  `<img src=x onerror=alert(1)><script>alert(1)</script>"'&amp; ${stamp}`;

/** The page holds `text` as text, and none of it became an element. */
async function shownLiterally(page: Page, text: string) {
  await expect(page.getByText(text, { exact: false }).first()).toBeVisible();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  const scripts = await page
    .locator("script")
    .evaluateAll((els) =>
      els.map((e) => e.textContent ?? "").filter((t) => t.startsWith("alert(")),
    );
  expect(scripts).toEqual([]);
}

test("[admin] markup in account name and notes, ingress route, user name and API key name is stored exactly and shown as text everywhere", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const fired = noDialogs(page);
  const stamp = randomBytes(4).toString("hex");
  const text = markup(stamp);
  await signInAs(page, "admin");

  // Account: name and both notes.
  await page.goto("/accounts/new");
  await page.getByLabel("Type").selectOption("customer");
  await page.getByLabel("Name", { exact: true }).fill(text);
  await page.getByLabel("Currency").fill("USD");
  await page.getByLabel("Public notes").fill(`public ${text}`);
  await page.getByLabel("Private notes").fill(`private ${text}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByRole("heading", { level: 1 })).toContainText(text);
  await expect(page.getByLabel("Public notes")).toHaveValue(`public ${text}`);
  await shownLiterally(page, text);

  // Ingress route name and notes.
  await page.goto(`/accounts/${id}?tab=ingress`);
  await page.getByLabel("Route name").fill(text);
  await page.getByLabel("Notes", { exact: true }).fill(`route ${text}`);
  await page.getByRole("button", { name: "Add ingress route" }).click();
  await expect(page.getByTestId("form-success")).toContainText("Ingress ID");
  await expect(page.getByTestId("ingress-table")).toContainText(text);
  await shownLiterally(page, text);

  // A staff user's name.
  await page.goto("/users");
  const invite = page.getByRole("form", { name: "Invite a user" });
  await invite.getByLabel("Name").fill(text);
  await invite.getByLabel("Email").fill(`e2e-hostile-${stamp}@example.test`);
  await invite.getByLabel("Role").selectOption("support");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(invite.getByTestId("form-success")).toBeVisible();
  await expect(page.getByTestId("users-table")).toContainText(text);
  await shownLiterally(page, text);

  // An API key's name.
  await page.goto("/api-keys");
  const generate = page.getByRole("form", { name: "Generate an API key" });
  await generate.getByLabel("Name").fill(text);
  await generate.getByLabel("Scope").selectOption("read");
  await generate.getByRole("button", { name: "Generate key" }).click();
  await expect(page.getByTestId("api-keys-table")).toContainText(text);
  await shownLiterally(page, text);

  // The lists and the audit log: messages, View Difference.
  await page.goto(`/accounts?q=${encodeURIComponent(stamp)}`);
  await shownLiterally(page, text);
  await page.goto(`/audit-log?q=${encodeURIComponent(stamp)}`);
  const rows = page.getByTestId("audit-table").locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(4);
  await shownLiterally(page, stamp);
  const diff = rows.filter({ hasText: "accounts" }).first();
  await diff.getByRole("button", { name: "View Difference" }).click();
  // (JSON in the dialog: the quotes of the text come escaped, so up to them)
  await expect(page.getByRole("dialog")).toContainText(`private ${text.split('"')[0]}`);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await page.keyboard.press("Escape");

  // The export has the exact text (a CSV field, quoted).
  const csv = await page.request.get(`/audit-log/export?format=csv&q=${encodeURIComponent(stamp)}`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(text.replaceAll('"', '""'));

  // Stored exactly as typed.
  const sql = db.sql;
  const [account] = await sql<{ name: string; notes_public: string; notes_private: string }[]>`
    select name, notes_public, notes_private from accounts where id = ${id}`;
  expect(account).toEqual({
    name: text,
    notes_public: `public ${text}`,
    notes_private: `private ${text}`,
  });
  const [route] = await sql<{ name: string; notes: string }[]>`
    select name, notes from ingress_routes where account_id = ${id}`;
  expect(route).toEqual({ name: text, notes: `route ${text}` });
  const [user] = await sql<{ name: string }[]>`
    select name from users where email = ${`e2e-hostile-${stamp}@example.test`}`;
  expect(user).toEqual({ name: text });
  expect(fired).toEqual([]);
});

test("[customer] markup in a colleague's name and an API key name shows as text in the portal", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const fired = noDialogs(page);
  const stamp = randomBytes(4).toString("hex");
  const text = markup(stamp);
  await signInAs(page, "customer");

  await page.goto("/portal/users");
  const invite = page.getByRole("form", { name: "Invite user" });
  await invite.getByLabel("Name", { exact: true }).fill(text);
  await invite.getByLabel("Email", { exact: true }).fill(`hostile.${stamp}@acme.example`);
  await invite.getByRole("button", { name: "Invite user" }).click();
  await expect(page.getByTestId("portal-users-table")).toContainText(text);
  await shownLiterally(page, text);

  await page.goto("/portal/api-keys");
  const generate = page.getByRole("form", { name: "Generate an API key" });
  await generate.getByLabel("Name").fill(text);
  await generate.getByLabel("Scope").selectOption("read");
  await generate.getByRole("button", { name: "Generate key" }).click();
  await expect(page.getByTestId("api-keys-table")).toContainText(text);
  await shownLiterally(page, text);

  await page.goto(`/portal/audit-log?q=${encodeURIComponent(stamp)}`);
  const rows = page.getByTestId("audit-table").locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  await shownLiterally(page, stamp);
  await rows.first().getByRole("button", { name: "View Difference" }).click();
  await expect(page.getByRole("dialog")).toContainText(text);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await page.keyboard.press("Escape");
  expect(fired).toEqual([]);

  // Revoke the key so the demo customer's list stays as the other specs expect.
  await page.goto("/portal/api-keys");
  const row = page.getByTestId("api-keys-table").locator("tbody tr").filter({ hasText: stamp });
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("revoked");
});

/**
 * Makes the page's File objects report one byte, so that the upload form's own size check lets
 * anything through: the browser still sends every byte, as a client without that check would.
 */
const defeatClientSizeCheck = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(Blob.prototype, "size", { configurable: true, get: () => 1 });
  });

test("[admin] a logo upload over its limit, and a server-action body over Next's limit, are refused and write nothing", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const sql = db.sql;
  const state = async () =>
    (
      await sql<{ assets: string; version: string }[]>`
        select (select count(*) from branding_assets)::text as assets,
               (select version from portal_branding where id = 1)::text as version`
    )[0];
  await signInAs(page, "admin");
  await page.goto("/branding");
  const logo = page.getByTestId("branding-logo");
  const before = await state();
  const upload = async (bytes: number) => {
    await logo.getByLabel("Logo").setInputFiles({
      name: "big.png",
      mimeType: "image/png",
      buffer: Buffer.alloc(bytes, 1),
    });
    const answered = page.waitForResponse(
      (r) => r.request().method() === "POST" && !!r.request().headers()["next-action"],
    );
    await logo.getByRole("button", { name: "Upload logo" }).click();
    return answered;
  };

  // The form itself refuses a file over the limit before sending it.
  await logo.getByLabel("Logo").setInputFiles({
    name: "big.png",
    mimeType: "image/png",
    buffer: Buffer.alloc(3 * 1024 * 1024, 1),
  });
  await logo.getByRole("button", { name: "Upload logo" }).click();
  await expect(logo).toContainText("The logo is 3072 KB; the limit is 512 KB.");

  await defeatClientSizeCheck(page);
  // Over the logo's limit but within the request's: the server's own check answers.
  const overLogo = await upload(600 * 1024);
  expect(overLogo.status()).toBeLessThan(500);
  await expect(logo).toContainText("The logo is 600 KB; the limit is 512 KB.");

  // Past Next's bodySizeLimit (2 MB): refused before the action runs, never a 500.
  const overRequest = await upload(3 * 1024 * 1024);
  expect(overRequest.status()).toBeGreaterThanOrEqual(400);
  expect(overRequest.status()).toBeLessThan(500);

  expect(await state()).toEqual(before);
});

test("[admin] markup in the portal name shows as text in the preview; the footer's is sanitised; both put back", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const fired = noDialogs(page);
  const stamp = randomBytes(4).toString("hex");
  const text = markup(stamp);
  await signInAs(page, "admin");
  await page.goto("/branding");
  const name = page.getByLabel("Portal name", { exact: true });
  // The code editor (once loaded, in place of the textarea that still holds the value).
  const footer = page.getByRole("textbox", { name: "Footer (HTML)" });
  await expect(page.locator(".cm-editor")).toHaveCount(3);
  const original = {
    name: await name.inputValue(),
    footer: await page.locator('textarea[name="footerHtml"]').inputValue(),
  };
  try {
    await name.fill(text);
    await footer.fill(`<p>Footer ${stamp}</p>${text}`);
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByText("Draft saved")).toBeVisible();
    await expect(name).toHaveValue(text);

    await page.goto("/branding-preview");
    await shownLiterally(page, text);
    await expect(page.getByText(`Footer ${stamp}`)).toBeVisible();
    const [stored] = await db.sql<{ portal_name: string; footer_html: string }[]>`
      select portal_name, footer_html from portal_branding where id = 1`;
    expect(stored!.portal_name).toBe(text);
    expect(stored!.footer_html).not.toMatch(/onerror|<script/i);
    expect(fired).toEqual([]);
  } finally {
    await page.goto("/branding");
    await expect(page.locator(".cm-editor")).toHaveCount(3);
    await name.fill(original.name);
    await footer.fill(original.footer);
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByText("Draft saved")).toBeVisible();
  }
});

test("[admin → portal] markup in an account's name and public notes and its user's name shows as text in the outbox and in that account's portal", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const fired = noDialogs(page);
  const stamp = randomBytes(4).toString("hex");
  const text = markup(stamp);
  const email = `hostile-portal-${stamp}@example.test`;
  const password = `hostile portal ${randomBytes(6).toString("hex")}`;
  await signInAs(page, "admin");

  await page.goto("/accounts/new");
  await page.getByLabel("Type").selectOption("customer");
  await page.getByLabel("Name", { exact: true }).fill(text);
  await page.getByLabel("Currency").fill("USD");
  await page.getByLabel("Public notes").fill(`public ${text}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);

  await page.goto("/users");
  const invite = page.getByRole("form", { name: "Invite a user" });
  await invite.getByLabel("Name").fill(text);
  await invite.getByLabel("Email").fill(email);
  await invite.getByLabel("Role").selectOption("customer");
  const account = invite.getByLabel("Account");
  await account.selectOption(
    await account.locator("option", { hasText: stamp }).getAttribute("value"),
  );
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(invite.getByTestId("form-success")).toContainText(`Invited ${email}`);

  // The invitation in the outbox names the user and the account as typed.
  await page.goto("/outbox");
  const mail = page.getByTestId("outbox-message").filter({ hasText: email }).first();
  await expect(mail).toContainText(stamp);
  await shownLiterally(page, stamp);
  const token = /\/set-password\?token=([\w-]+)/.exec(await mail.innerText())![1]!;
  expect(fired).toEqual([]);

  const context = await browser.newContext();
  try {
    const portal = await context.newPage();
    const portalFired = noDialogs(portal);
    await portal.goto(`/set-password?token=${token}`);
    await portal.getByLabel("New password", { exact: true }).fill(password);
    await portal.getByLabel("Repeat the password", { exact: true }).fill(password);
    await portal.getByRole("button", { name: "Set password" }).click();
    await expect(portal.getByText("Your password is set.")).toBeVisible();
    await submitLogin(portal, email, password);
    await expect(portal).toHaveURL(/\/portal$/);
    await expect(portal.getByRole("heading", { level: 1 })).toHaveText(text);
    await expect(portal.getByText(`public ${text}`)).toBeVisible();
    await shownLiterally(portal, text);
    await portal.goto(`/portal/audit-log?q=${encodeURIComponent(stamp)}`);
    await expect(portal.getByTestId("audit-table").locator("tbody tr").first()).toBeVisible();
    await shownLiterally(portal, stamp);
    await portal.goto("/portal/profile");
    await shownLiterally(portal, stamp);
    expect(portalFired).toEqual([]);
  } finally {
    await context.close();
  }
});

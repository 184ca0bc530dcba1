import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { accountId, auditDbForSpec } from "./audit-db";
import { signIn, signInAs } from "./fixtures";

/**
 * API keys in the Customer Portal (lib/api-keys/portal-keys.ts): the demo customer sign-in
 * (portal@acme.example) is Acme's portal administrator; a key generated there acts as them, so
 * through the API it sees Acme alone and another account is a 404. Colleagues who are not portal
 * administrators get no menu entry and a 403 page.
 */

const db = auditDbForSpec();

test("[customer] the portal admin generates a key that sees only Acme through the API, then revokes it", async ({
  page,
  request,
}) => {
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  const zephyr = await accountId(sql, "Zephyr Transit");
  const name = `Acme reporting ${randomBytes(4).toString("hex")}`;

  await signInAs(page, "customer");
  await page.getByTestId("portal-nav").getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/portal\/api-keys$/);
  const form = page.getByRole("form", { name: "Generate an API key" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Scope").selectOption("read");
  await form.getByRole("button", { name: "Generate key" }).click();
  const secret = (await page.getByTestId("api-key-secret").innerText()).trim();
  expect(secret).toMatch(/^tl_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/);
  const row = page.getByTestId("api-keys-table").locator("tbody tr").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  const [owner] = await sql<{ name: string }[]>`
    select name from users where email = 'portal@acme.example'`;
  await expect(row).toContainText(owner!.name);
  await expect(row).toContainText("active");

  // The key acts as the portal admin: Acme's record only, another account's is not found.
  const auth = { authorization: `Bearer ${secret}` };
  const list = await request.get("/api/v1/accounts", { headers: auth });
  expect(list.status()).toBe(200);
  const body = (await list.json()) as { data: { id: number; name: string }[] };
  expect(body.data.map((a) => a.id)).toEqual([acme]);
  expect((await request.get(`/api/v1/accounts/${acme}`, { headers: auth })).status()).toBe(200);
  const theirs = await request.get(`/api/v1/accounts/${zephyr}`, { headers: auth });
  expect(theirs.status()).toBe(404);
  expect(theirs.headers()["content-type"]).toContain("application/problem+json");

  // The GENERATE entry is Acme's, by Portal.
  const [entry] = await sql<{ actor_label: string; account_id: string | null }[]>`
    select actor_label, account_id::text from audit_log
    where table_name = 'api_keys' and action = 'GENERATE' and message like ${`Generated API key ${name} %`}`;
  expect(entry).toEqual({ actor_label: "Portal", account_id: String(acme) });

  // Staff see the key on the Control Panel's list with the account it belongs to.
  const staff = await page.context().browser()!.newContext();
  try {
    const staffPage = await staff.newPage();
    await signInAs(staffPage, "admin");
    await staffPage.goto("/api-keys");
    const staffRow = staffPage
      .getByTestId("api-keys-table")
      .locator("tbody tr")
      .filter({ hasText: name });
    await expect(staffRow).toContainText("Acme Telecom");
  } finally {
    await staff.close();
  }

  // Revoked in the portal: the API refuses it at once.
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("revoked");
  expect((await request.get("/api/v1/accounts", { headers: auth })).status()).toBe(401);
});

test("[member] a portal user who is not a portal admin gets no link and cannot open the page", async ({
  browser,
}) => {
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  const [member] = await sql<{ email: string }[]>`
    select email from users where account_id = ${acme} and not portal_admin
      and status = 'active' and password_hash is not null order by id limit 1`;
  expect(member, "the demo data has an Acme user who is not a portal admin").toBeDefined();

  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, member!.email);
    await expect(page).toHaveURL(/\/portal$/);
    const nav = page.getByTestId("portal-nav");
    await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
    const response = await page.goto("/portal/api-keys");
    expect(response!.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.getByTestId("api-keys-table")).toHaveCount(0);
  } finally {
    await context.close();
  }
});

import { expect, test, type Page } from "@playwright/test";
import { accountId, auditDbForSpec } from "./audit-db";
import { DEMO, pageAs, signIn, signInAs } from "./fixtures";

const db = auditDbForSpec();
const table = (page: Page) => page.getByTestId("audit-table");

async function saveName(page: Page, name: string) {
  await page.goto("/portal/profile");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Profile saved.")).toBeVisible();
}

test("[customer] a profile change is recorded as Portal, in both audit pages", async ({
  page,
  browser,
}) => {
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  const newName = `Maya Patel ${Date.now().toString(36)}`;
  await signInAs(page, "customer");
  const [before] = await sql<{ name: string }[]>`
    select name from users where email = ${DEMO.customer.email}`;
  await saveName(page, newName);

  // The portal's own audit page shows it, and nothing from another account.
  await page.goto(`/portal/audit-log?q=${encodeURIComponent(`"${newName}"`)}`);
  const mine = table(page).locator("tbody tr").first();
  await expect(mine).toContainText(`from ${before!.name} to ${newName}`);
  await expect(mine.locator('td[data-column="user"]')).toHaveText("Portal");
  const [counts] = await sql<{ mine: number; all: number }[]>`
    select count(*) filter (where account_id = ${acme})::int as mine, count(*)::int as all
    from audit_log`;
  await page.goto("/portal/audit-log");
  const shown = Number((await page.getByTestId("audit-count").innerText()).replace(/[^\d]/g, ""));
  expect(shown).toBe(counts!.mine);
  expect(shown).toBeLessThan(counts!.all);

  // The Control Panel shows the same entry with User "Portal".
  const admin = await pageAs(browser, "admin");
  await admin.goto(`/audit-log?q=${encodeURIComponent(`table:users "${newName}"`)}`);
  const row = table(admin).locator("tbody tr").first();
  await expect(row).toContainText(`Changed name of portal user ${newName}`);
  await expect(row.locator('td[data-column="user"]')).toHaveText("Portal");
  await admin.context().close();

  await saveName(page, before!.name);
});

test("[customer] another account's user id is a 404 and changes nothing", async ({ page }) => {
  const sql = db.sql;
  const [other] = await sql<{ id: string; status: string; version: number }[]>`
    select u.id::text, u.status, u.version from users u join accounts a on a.id = u.account_id
    where a.name = 'Zephyr Transit' order by u.id limit 1`;
  await signInAs(page, "customer");
  const res = await page.goto(`/portal/users/${other!.id}`);
  expect(res!.status()).toBe(404);
  const [after] = await sql<{ status: string; version: number }[]>`
    select status, version from users where id = ${other!.id}`;
  expect(after).toEqual({ status: other!.status, version: other!.version });
});

test("[customer] a portal admin invites and disables a colleague, recorded as Portal", async ({
  page,
}) => {
  const sql = db.sql;
  const stamp = Date.now().toString(36);
  const email = `colleague.${stamp}@acme.example`;
  await signInAs(page, "customer");
  await page.goto("/portal/users");
  const invite = page.getByRole("form", { name: "Invite user" });
  await invite.getByLabel("Name", { exact: true }).fill(`Colleague ${stamp}`);
  await invite.getByLabel("Email", { exact: true }).fill(email);
  await invite.getByRole("button", { name: "Invite user" }).click();
  await expect(page.getByText(`Invited ${email}.`)).toBeVisible();

  const row = page.getByTestId("portal-users-table").getByRole("row", { name: new RegExp(stamp) });
  await expect(row).toContainText("invited");
  await row.getByRole("button", { name: "Disable" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");

  const [created] = await sql<{ role: string; account: string; admin: boolean }[]>`
    select u.role::text as role, a.name as account, u.portal_admin as admin
    from users u join accounts a on a.id = u.account_id where u.email = ${email}`;
  expect(created).toEqual({ role: "customer", account: "Acme Telecom", admin: false });
  const entries = await sql<{ action: string; actor_label: string; actor_type: string }[]>`
    select action::text, actor_label, actor_type::text from audit_log
    where table_name = 'users' and related_ids @> array[${"user:" + (await userId(email))}]
    order by id`;
  expect(entries.map((e) => e.action)).toEqual(["CREATE", "UPDATE"]);
  for (const e of entries) expect([e.actor_label, e.actor_type]).toEqual(["Portal", "portal"]);
});

test("[customer] a colleague who is not a portal admin can look but not manage", async ({
  page,
}) => {
  const sql = db.sql;
  const [colleague] = await sql<{ email: string }[]>`
    select u.email from users u join accounts a on a.id = u.account_id
    where a.name = 'Acme Telecom' and not u.portal_admin and u.status = 'active'
      and u.password_hash is not null
    order by u.id limit 1`;
  // The demo seed gives Acme a colleague who is not a portal admin (test/seed.test.ts).
  expect(colleague).toBeDefined();
  await signIn(page, colleague!.email);
  await page.goto("/portal/users");
  await expect(page.getByRole("form", { name: "Invite user" })).toHaveCount(0);
  await expect(
    page.getByText("Only your account's portal administrators can invite or disable users."),
  ).toBeVisible();
  await page.goto("/portal/contact");
  await expect(page.getByTestId("contact-read-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save contact details" })).toHaveCount(0);
});

async function userId(email: string): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`select id::text from users where email = ${email}`;
  return row!.id;
}

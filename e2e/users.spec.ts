import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { signInAs } from "./fixtures";

const db = auditDbForSpec();

const auditTable = (page: Page) => page.getByTestId("audit-table");

async function searchAudit(page: Page, query: string) {
  await page.goto(`/audit-log?${new URLSearchParams({ q: query })}`);
  await expect(auditTable(page)).toBeVisible();
}

test("[admin] invite a portal user → SEND entry in the audit log and the email in the outbox", async ({
  page,
}) => {
  const email = `e2e-invite-${randomBytes(4).toString("hex")}@example.test`;
  await signInAs(page, "admin");
  await page.goto("/users");
  const form = page.getByRole("form", { name: "Invite a user" });
  await form.getByLabel("Name").fill("E2E Invitee");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("customer");
  const account = form.getByLabel("Account");
  await expect(account).toBeVisible();
  const acme = await account.locator("option", { hasText: "Acme Telecom (" }).getAttribute("value");
  await account.selectOption(acme);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByTestId("form-success")).toContainText(`Invited ${email}`);
  await expect(page.getByTestId("users-table")).toContainText(email);

  await searchAudit(page, `action:SEND ${email}`);
  const messages = auditTable(page).locator('td[data-column="message"]');
  await expect(messages.filter({ hasText: `Sent invitation email to ${email}` })).toHaveCount(1);

  await page.goto("/outbox");
  const mail = page.getByTestId("outbox-message").filter({ hasText: email });
  await expect(mail).toHaveCount(1);
  await expect(mail).toContainText("/set-password?token=");
});

test("[admin] generate an API key → GENERATE entry whose data does not contain the secret", async ({
  page,
}) => {
  const name = `e2e key ${randomBytes(4).toString("hex")}`;
  await signInAs(page, "admin");
  await page.goto("/api-keys");
  const form = page.getByRole("form", { name: "Generate an API key" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Scope").selectOption("read_write");
  await form.getByRole("button", { name: "Generate key" }).click();
  const secret = (await page.getByTestId("api-key-secret").innerText()).trim();
  expect(secret).toMatch(/^tl_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/);
  await expect(page.getByTestId("api-keys-table")).toContainText(name);

  // Shown once: a reload has only the prefix.
  const reloaded = await page.goto("/api-keys");
  expect(await reloaded!.text()).not.toContain(secret);

  await searchAudit(page, `action:GENERATE ${name}`);
  const row = auditTable(page).locator("tbody tr").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  const entry = page.waitForResponse((r) => /\/audit-log\/entries\/\d+/.test(r.url()));
  await row.getByRole("button", { name: "View Difference" }).click();
  const data = await (await entry).text();
  expect(data).toContain(name);
  expect(data).not.toContain(secret);
  expect(data).not.toContain(secret.slice(12));
});

test("[support] cannot reach users or API keys", async ({ page }) => {
  await signInAs(page, "support");
  for (const path of ["/users", "/api-keys", "/outbox"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.locator("form[aria-label]")).toHaveCount(0);
  }
  // Nor are they offered: the navigation leaves them out.
  await page.goto("/audit-log");
  const nav = page.getByTestId("control-panel-nav");
  await expect(nav).toBeVisible();
  for (const label of ["Users", "API keys", "Email outbox"]) {
    await expect(nav.getByRole("link", { name: label })).toHaveCount(0);
  }
});

test("[admin] makes a portal user a portal administrator and back, each audited", async ({
  page,
}) => {
  const sql = db.sql;
  const [user] = await sql<{ id: string; name: string }[]>`
    select u.id::text, u.name from users u join accounts a on a.id = u.account_id
    where a.name = 'Acme Telecom' and not u.portal_admin and u.status = 'active'
    order by u.id limit 1`;
  await signInAs(page, "admin");
  await page.goto(`/users/${user!.id}`);
  await expect(page.getByText("Portal administrator: No")).toBeVisible();
  await page.getByRole("button", { name: "Make portal administrator" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make administrator" }).click();
  await expect(page.getByText("Made a portal administrator.")).toBeVisible();
  await expect(page.getByText("Portal administrator: Yes")).toBeVisible();

  await page.getByRole("button", { name: "Remove portal administrator" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("No longer a portal administrator.")).toBeVisible();

  const entries = await sql<{ before: boolean; after: boolean }[]>`
    select (before->>'portalAdmin')::boolean as before, (after->>'portalAdmin')::boolean as after
    from audit_log where table_name = 'users' and record_pk = ${user!.id}
    order by id desc limit 2`;
  expect(entries).toEqual([
    { before: true, after: false },
    { before: false, after: true },
  ]);
});

import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { issueApiKey } from "./api-keys";
import { auditDbForSpec } from "./audit-db";
import { DEMO, pageAs } from "./fixtures";

/**
 * The audit comment ("Reason for this change") with the Control Panel set to required: a save
 * without a reason is refused with the field's error and writes nothing; with one, the entry shows
 * it and `comment:` finds it; the API without X-Audit-Comment gets 422. The setting is global and
 * the e2e database is shared by every spec (run one at a time), so it is set back to off after.
 */

const run = randomBytes(3).toString("hex");
const table = (page: Page) => page.getByTestId("audit-table");
const firstRow = (page: Page) => table(page).locator("tbody tr").first();

/** Sets both audiences' modes on the settings page, giving a reason whenever one is asked for. */
async function setModes(page: Page, controlPanel: string, portal: string) {
  await page.goto("/settings/security");
  const form = page.getByRole("form", { name: "Security settings" });
  await form
    .getByRole("group", { name: "Control Panel (staff)" })
    .getByRole("radio", { name: new RegExp(`^${controlPanel}`) })
    .check();
  await form
    .getByRole("group", { name: "Customer Portal" })
    .getByRole("radio", { name: new RegExp(`^${portal}`) })
    .check();
  const reason = form.getByLabel(/Reason for this change/);
  if (await reason.isVisible()) await reason.fill(`e2e settings ${run}`);
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByTestId("form-success")).toBeVisible();
}

// Registered before auditDbForSpec's own afterAll (hooks run in order), which ends the connection.
test.afterAll(async ({ browser }) => {
  const page = await pageAs(browser, "admin");
  await setModes(page, "Off", "Off");
  await page.context().close();
  const [setting] = await db.sql<{ value: unknown }[]>`
    select value from app_settings where key = 'audit_comment'`;
  expect(setting!.value).toEqual({ controlPanel: "off", portal: "off" });
});

const db = auditDbForSpec();

test("[admin] with the reason required: a save without one is refused and writes nothing; with one the entry shows it, comment: finds it; the API without X-Audit-Comment gets 422", async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  const sql = db.sql;
  const page = await pageAs(browser, "admin");
  await setModes(page, "Required", "Off");
  const [setting] = await sql<{ value: unknown }[]>`
    select value from app_settings where key = 'audit_comment'`;
  expect(setting!.value).toEqual({ controlPanel: "required", portal: "off" });

  // A new account: the create form asks for the reason too (required: marked and enforced).
  const name = `Comment Co ${run}`;
  await page.goto("/accounts/new");
  const reason = page.getByLabel(/Reason for this change/);
  await expect(reason).toHaveAttribute("required", "");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Currency").fill("USD");
  await page.getByLabel("Credit limit").fill("500");
  await reason.fill(`Onboarding ${run}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());

  const entriesFor = async () =>
    (
      await sql<{ n: string }[]>`
        select count(*)::text as n from audit_log where table_name = 'accounts' and record_pk = ${String(id)}`
    )[0]!.n;
  const before = await entriesFor();

  // Blank (spaces pass the browser's required check; the server trims): refused, nothing written.
  await page.getByLabel("Credit limit").fill("750");
  await page.getByLabel(/Reason for this change/).fill("   ");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("audit-comment-error")).toHaveText(
    "Give a reason for this change.",
  );
  expect(await entriesFor()).toBe(before);
  const [stored] = await sql<{ credit_limit: string }[]>`
    select credit_limit::text from accounts where id = ${id}`;
  expect(Number(stored!.credit_limit)).toBe(500);

  // With a reason: saved, and the entry carries it.
  const word = `ticket${run}`;
  await page.getByLabel("Credit limit").fill("750");
  await page.getByLabel(/Reason for this change/).fill(`Raised after ${word} from finance`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("form-success")).toBeVisible();
  const [entry] = await sql<{ id: string; comment: string | null }[]>`
    select id::text, comment from audit_log
    where table_name = 'accounts' and record_pk = ${String(id)} order by id desc limit 1`;
  expect(entry!.comment).toBe(`Raised after ${word} from finance`);

  await page.goto(`/audit-log?q=${encodeURIComponent(`comment:${word.toUpperCase()}`)}`);
  await expect(table(page).locator("tbody tr")).toHaveCount(1);
  await expect(firstRow(page)).toHaveAttribute("data-entry-id", entry!.id);
  const note = firstRow(page).getByTestId("audit-comment");
  await expect(note).toContainText(`Raised after ${word} from finance`);
  await expect(note).toHaveAttribute("title", `Raised after ${word} from finance`);
  await expect(note.locator("svg")).toBeVisible();
  await firstRow(page).getByRole("button", { name: "View Difference" }).click();
  await expect(page.getByRole("dialog")).toContainText(`Raised after ${word} from finance`);
  await page.context().close();

  // The API: the key's owner is staff, so the Control Panel's mode applies.
  const key = issueApiKey(DEMO.admin.email, "read_write", `e2e comment ${run}`);
  const apiName = `Comment API ${run}`;
  const body = {
    type: "customer",
    name: apiName,
    currency: "usd",
    creditLimit: 1,
    channels: 1,
    cps: 1,
  };
  const refused = await request.post("/api/v1/accounts", {
    headers: { authorization: `Bearer ${key}` },
    data: body,
  });
  expect(refused.status()).toBe(422);
  expect(await refused.json()).toMatchObject({
    errors: { "X-Audit-Comment": [expect.stringContaining("X-Audit-Comment")] },
  });
  expect(await sql`select 1 from accounts where name = ${apiName}`).toHaveLength(0);

  const created = await request.post("/api/v1/accounts", {
    headers: {
      authorization: `Bearer ${key}`,
      "x-audit-comment": encodeURIComponent(`Provisioned by the switch — ${word}`),
    },
    data: body,
  });
  expect(created.status(), await created.text()).toBe(201);
  const [apiEntry] = await sql<{ comment: string | null }[]>`
    select comment from audit_log where table_name = 'accounts'
    and record_pk = (select id::text from accounts where name = ${apiName})`;
  expect(apiEntry!.comment).toBe(`Provisioned by the switch — ${word}`);
});

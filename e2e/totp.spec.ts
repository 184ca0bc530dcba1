import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { auditDbForSpec } from "./audit-db";
import { pageAs, pathOf, submitLogin } from "./fixtures";
import { totpCode } from "../lib/totp/codes";

/**
 * Two-factor sign-in end to end, with users made here (the demo sign-ins other specs share are
 * never given a second factor): enrol from the profile with a code computed from the secret the
 * page shows, the code step at sign-in, a recovery code that works once, a remembered device, an
 * admin's reset, and an admin without a second factor kept to enrolment while the operator
 * requires one. Each step's audit entry is read from the database.
 */

const db = auditDbForSpec();

type Person = { email: string; password: string; id: string };

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** The demo admin invites a user, who sets their password through the link in the outbox. */
async function newUser(browser: Browser, role: "support" | "admin"): Promise<Person> {
  const admin = await pageAs(browser, "admin");
  const email = `e2e-totp-${randomBytes(4).toString("hex")}@example.test`;
  const password = `e2e totp ${randomBytes(6).toString("hex")}`;
  await admin.goto("/users");
  const form = admin.getByRole("form", { name: "Invite a user" });
  await form.getByLabel("Name").fill(`E2E TOTP ${email.slice(9, 17)}`);
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByTestId("form-success")).toContainText(`Invited ${email}`);
  const link = admin.getByTestId("users-table").getByRole("row", { name: email }).getByRole("link");
  const id = (await link.first().getAttribute("href"))!.split("/").pop()!;
  await admin.goto("/outbox");
  const mail = admin.getByTestId("outbox-message").filter({ hasText: email }).first();
  const token = /\/set-password\?token=([\w-]+)/.exec(await mail.innerText())![1]!;
  await admin.context().close();
  const page = await freshPage(browser);
  await page.goto(`/set-password?token=${token}`);
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText("Your password is set.")).toBeVisible();
  await page.context().close();
  return { email, password, id };
}

/** The newest audit entry about user `id` whose message starts with `prefix`. */
async function entry(id: string, prefix: string) {
  const rows = await db.sql<
    { action: string; message: string; before: unknown; after: unknown }[]
  >`select action, message, before, after from audit_log
    where record_pk = ${id} and table_name = 'users' and message like ${prefix + "%"}
    order by id desc limit 1`;
  return rows[0] ?? null;
}

/** A code the user's app would not show now (nor a step either side). */
const wrongCode = (secret: string) => {
  const near = [-30_000, 0, 30_000].map((d) => totpCode(secret, Date.now() + d));
  for (let i = 0; ; i++) {
    const code = String(i).padStart(6, "0");
    if (!near.includes(code)) return code;
  }
};

async function passwordStep(page: Page, person: Person) {
  await submitLogin(page, person.email, person.password);
  await expect(page.getByLabel("Two-factor code")).toBeVisible();
  expect(pathOf(page)).toBe("/login");
}

async function codeStep(page: Page, code: string, remember = false) {
  await page.getByLabel("Two-factor code").fill(code);
  if (remember) await page.getByLabel("Remember this device for 30 days").check();
  await page.getByRole("button", { name: "Verify" }).click();
}

async function signOut(page: Page) {
  await page.goto("/two-factor");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** Enrols on /two-factor: reads the key shown, types the code computed from it. */
async function enrol(page: Page): Promise<{ secret: string; codes: string[] }> {
  await expect(page.getByTestId("totp-qr")).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").innerText()).trim();
  await page.getByLabel("Code from the app").fill(totpCode(secret));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  const list = page.getByTestId("recovery-codes");
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = (await list.getByRole("listitem").allInnerTexts()).map((c) => c.trim());
  return { secret, codes };
}

test("enrol, sign in with a code, a recovery code once, remember the device, admin reset", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const person = await newUser(browser, "support");
  const page = await freshPage(browser);
  await submitLogin(page, person.email, person.password);
  await expect(page).toHaveURL(/\/audit-log/);

  // Enrol from the profile.
  await page.goto("/profile");
  await expect(page.getByTestId("profile-totp")).toContainText("Off");
  await page.getByRole("link", { name: "Set up two-factor sign-in" }).click();
  await expect(page).toHaveURL(/\/two-factor$/);
  const { secret, codes } = await enrol(page);
  const enrolled = await entry(person.id, "Turned on two-factor sign-in");
  expect(enrolled).toMatchObject({ action: "UPDATE" });
  expect(enrolled!.after).toMatchObject({ totpSecret: "[redacted: changed]" });
  const enrolledText = JSON.stringify(enrolled);
  expect(enrolledText).not.toContain(secret);
  for (const code of codes) expect(enrolledText).not.toContain(code);
  await page.goto("/profile");
  await expect(page.getByTestId("profile-totp")).toContainText("On");
  await signOut(page);

  // The password alone no longer signs in: a wrong code is refused and recorded.
  await passwordStep(page, person);
  await page.goto("/audit-log");
  await expect(page).toHaveURL(/\/login/);
  await passwordStep(page, person);
  await codeStep(page, wrongCode(secret));
  await expect(page.getByText("That code is not right")).toBeVisible();
  expect(
    await entry(person.id, `Failed sign-in for ${person.email}: wrong two-factor`),
  ).toMatchObject({
    action: "LOGIN",
  });
  await codeStep(page, totpCode(secret));
  await expect(page).toHaveURL(/\/audit-log/);
  expect((await entry(person.id, "Signed in"))!.message).toContain("with a two-factor code");
  await signOut(page);

  // A recovery code works once.
  await passwordStep(page, person);
  await codeStep(page, codes[0]!);
  await expect(page).toHaveURL(/\/audit-log/);
  expect((await entry(person.id, "Signed in"))!.message).toContain("with a recovery code (9 left)");
  await signOut(page);
  await passwordStep(page, person);
  await codeStep(page, codes[0]!);
  await expect(page.getByText("That code is not right")).toBeVisible();
  expect(pathOf(page)).toBe("/login");

  // Remember this device: the next sign-in in this browser needs the password only.
  // The next step's code: the one used above is taken once (a replay is refused).
  await codeStep(page, totpCode(secret, Date.now() + 30_000), true);
  await expect(page).toHaveURL(/\/audit-log/);
  await signOut(page);
  await submitLogin(page, person.email, person.password);
  await expect(page).toHaveURL(/\/audit-log/);
  expect((await entry(person.id, "Signed in"))!.message).not.toContain("two-factor");
  await page.context().close();

  // An admin resets the second factor: the password alone signs in again, anywhere.
  const admin = await pageAs(browser, "admin");
  await admin.goto(`/users/${person.id}`);
  await expect(admin.getByTestId("user-totp")).toContainText("On");
  await admin.getByRole("button", { name: "Reset two-factor sign-in" }).click();
  await expect(admin.getByText("Two-factor sign-in reset.")).toBeVisible();
  await expect(admin.getByTestId("user-totp")).toContainText("Off");
  expect(await entry(person.id, "Reset two-factor sign-in of user")).toMatchObject({
    action: "UPDATE",
  });
  await admin.context().close();
  const elsewhere = await freshPage(browser);
  await submitLogin(elsewhere, person.email, person.password);
  await expect(elsewhere).toHaveURL(/\/audit-log/);
  await elsewhere.context().close();
});

test("an admin without a second factor is kept to enrolment while the operator requires it", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const sql = db.sql;
  const setRequired = (on: boolean) =>
    sql.begin(async (tx) => {
      // app_settings is audited; the settings page is another change's. The owner writes the row
      // past the guard the way the audited core does, and puts it back afterwards.
      await tx`select set_config('trunkline.audit_table', 'app_settings', true)`;
      await tx`insert into app_settings (key, value) values ('admin_totp_required', ${tx.json(on)})
        on conflict (key) do update set value = excluded.value`;
    });
  const person = await newUser(browser, "admin");
  await setRequired(true);
  try {
    const page = await freshPage(browser);
    await submitLogin(page, person.email, person.password);
    await expect(page).toHaveURL(/\/two-factor$/);
    await expect(page.getByText("Your operator requires administrators")).toBeVisible();
    // Nothing else opens: every page sends them back, the API-less pages included.
    for (const path of ["/audit-log", "/users", "/profile", "/settings/columns"]) {
      await page.goto(path);
      await expect(page, path).toHaveURL(/\/two-factor$/);
    }
    await enrol(page);
    expect(await entry(person.id, "Turned on two-factor sign-in")).toMatchObject({
      action: "UPDATE",
    });
    await page.getByRole("link", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/audit-log/);
    await page.goto("/users");
    await expect(page).toHaveURL(/\/users$/);
    await page.context().close();
  } finally {
    await setRequired(false);
  }
});

import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { DEMO, pageAs, signIn } from "./fixtures";

/**
 * Sessions that end: a session cookie copied into a second browser works until its session is
 * ended, and then stops working there too, whatever ended it.
 */

const NEW_PASSWORD = "e2e sessions password two";

type Person = { email: string; password: string; id: string };

/** Where a signed-in user of each app can be seen to be signed in. */
const profileOf = (app: "control-panel" | "portal") =>
  app === "portal" ? "/portal/profile" : "/profile";

/** A fresh page in a context of its own: no cookies shared with any other. */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** The admin invites a user, who sets their password through the link in the outbox. */
async function newUser(
  browser: Browser,
  admin: Page,
  role: "support" | "branding" | "customer",
): Promise<Person> {
  const email = `e2e-sessions-${randomBytes(4).toString("hex")}@example.test`;
  const password = `e2e sessions ${randomBytes(6).toString("hex")}`;
  await admin.goto("/users");
  const form = admin.getByRole("form", { name: "Invite a user" });
  await form.getByLabel("Name").fill(`E2E Sessions ${email.slice(13, 21)}`);
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption(role);
  if (role === "customer") {
    const account = form.getByLabel("Account");
    const acme = await account
      .locator("option", { hasText: "Acme Telecom (" })
      .getAttribute("value");
    await account.selectOption(acme);
  }
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByTestId("form-success")).toContainText(`Invited ${email}`);
  const link = admin.getByTestId("users-table").getByRole("row", { name: email }).getByRole("link");
  const id = (await link.first().getAttribute("href"))!.split("/").pop()!;
  await setPasswordFromEmail(browser, admin, email, password);
  return { email, password, id };
}

/** Opens the newest set-password link sent to `email` and sets `password` with it. */
async function setPasswordFromEmail(
  browser: Browser,
  admin: Page,
  email: string,
  password: string,
) {
  await admin.goto("/outbox");
  const mail = admin.getByTestId("outbox-message").filter({ hasText: email }).first();
  const token = /\/set-password\?token=([\w-]+)/.exec(await mail.innerText())![1]!;
  const page = await freshPage(browser);
  await page.goto(`/set-password?token=${token}`);
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText("Your password is set.")).toBeVisible();
  await page.context().close();
}

/**
 * Signs in in one context and copies its cookies into a second one, as someone who lifted
 * them from the first browser would; checks the copy works before anything is ended.
 */
async function signInAndCopy(
  browser: Browser,
  person: { email: string; password?: string },
  app: "control-panel" | "portal",
): Promise<{ original: Page; copy: Page; contexts: BrowserContext[] }> {
  const original = await freshPage(browser);
  await signIn(original, person.email, person.password);
  const copyContext = await browser.newContext();
  await copyContext.addCookies(await original.context().cookies());
  const copy = await copyContext.newPage();
  await expectSignedIn(copy, app);
  return { original, copy, contexts: [original.context(), copyContext] };
}

async function expectSignedIn(page: Page, app: "control-panel" | "portal") {
  const session = await page.request.get("/api/auth/session");
  const body = (await session.json()) as { user?: { id?: string } } | null;
  expect(body?.user?.id).toBeTruthy();
  await page.goto(profileOf(app));
  await expect(page).toHaveURL((url) => url.pathname === profileOf(app));
  await expect(page.getByRole("heading", { name: "Profile", level: 1 })).toBeVisible();
}

async function expectSignedOut(page: Page, app: "control-panel" | "portal") {
  // Auth.js's own session endpoint asks the database too: it names nobody for an ended copy.
  const session = await page.request.get("/api/auth/session");
  expect(await session.json()).toBeNull();
  await page.goto(profileOf(app));
  await expect(page).toHaveURL(/\/login(?:[?#]|$)/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
}

async function changeOwnPassword(page: Page, app: "control-panel" | "portal", current: string) {
  await page.goto(profileOf(app));
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password", { exact: true }).fill(current);
  await form.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel("Confirm new password", { exact: true }).fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  // Back on the profile in a new request, signed in with a new session.
  await expect(page).toHaveURL((url) => url.pathname === profileOf(app));
  await expect(page.getByTestId("form-success")).toContainText("Password changed.");
}

test.describe("a copied session cookie", () => {
  // The admin only acts on people made for each test; the admin's own session is never ended.
  let admin: Page;

  test.beforeEach(async ({ browser }) => {
    admin = await pageAs(browser, "admin");
  });

  test.afterEach(async ({ browser }) => {
    for (const context of browser.contexts()) await context.close();
  });

  test("[auditor] stops working after sign-out", async ({ browser }) => {
    const { original, copy } = await signInAndCopy(browser, DEMO.auditor, "control-panel");
    await original.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(original).toHaveURL(/\/login(?:[?#]|$)/);
    await expectSignedOut(copy, "control-panel");
  });

  test("[support] stops working after a password change, and the changer stays signed in", async ({
    browser,
  }) => {
    const person = await newUser(browser, admin, "support");
    const { original, copy } = await signInAndCopy(browser, person, "control-panel");
    await changeOwnPassword(original, "control-panel", person.password);
    await expectSignedOut(copy, "control-panel");
    // The browser that changed it carries on in a new session, the only one listed.
    await expectSignedIn(original, "control-panel");
    const rows = original.getByTestId("session-row");
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText("This session");
  });

  test("[customer] stops working after a password change in the portal", async ({ browser }) => {
    const person = await newUser(browser, admin, "customer");
    const { original, copy } = await signInAndCopy(browser, person, "portal");
    await changeOwnPassword(original, "portal", person.password);
    await expectSignedOut(copy, "portal");
    await expectSignedIn(original, "portal");
  });

  test("[admin] stops working after the user is disabled, and stays dead when re-enabled", async ({
    browser,
  }) => {
    const person = await newUser(browser, admin, "support");
    const { original, copy } = await signInAndCopy(browser, person, "control-panel");
    await admin.goto(`/users/${person.id}`);
    await admin.getByRole("button", { name: "Disable user" }).click();
    await admin.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
    await expect(admin.getByTestId("form-success")).toContainText("User disabled.");
    await expectSignedOut(copy, "control-panel");
    await expectSignedOut(original, "control-panel");

    await admin.goto(`/users/${person.id}`);
    await admin.getByRole("button", { name: "Enable user" }).click();
    await admin.getByRole("dialog").getByRole("button", { name: "Enable" }).click();
    await expect(admin.getByTestId("form-success")).toContainText("User enabled.");
    const revived = await browser.newContext();
    await revived.addCookies(await copy.context().cookies());
    await revived.addCookies(await original.context().cookies());
    await expectSignedOut(await revived.newPage(), "control-panel");
  });

  test("[admin] stops working after a password reset", async ({ browser }) => {
    const person = await newUser(browser, admin, "support");
    const { copy } = await signInAndCopy(browser, person, "control-panel");
    await admin.goto(`/users/${person.id}`);
    await admin.getByRole("button", { name: "Send password reset email" }).click();
    await expect(admin.getByTestId("form-success")).toBeVisible();
    // The link alone ends nothing; setting the new password through it does.
    await expectSignedIn(copy, "control-panel");
    await setPasswordFromEmail(browser, admin, person.email, NEW_PASSWORD);
    await expectSignedOut(copy, "control-panel");
  });

  test("[admin] stops working after a role change", async ({ browser }) => {
    const person = await newUser(browser, admin, "support");
    const { copy } = await signInAndCopy(browser, person, "control-panel");
    await admin.goto(`/users/${person.id}`);
    const form = admin.getByRole("form", { name: "Change role" });
    await form.getByLabel("Role").selectOption("auditor");
    await form.getByRole("button", { name: "Change role" }).click();
    await expect(form.getByTestId("form-success")).toContainText("Role changed.");
    await expectSignedOut(copy, "control-panel");
  });

  test("[branding] Sign out other sessions ends the other browser's session, not this one", async ({
    browser,
  }) => {
    const person = await newUser(browser, admin, "branding");
    const here = await freshPage(browser);
    await signIn(here, person.email, person.password);
    const elsewhere = await freshPage(browser);
    await signIn(elsewhere, person.email, person.password);
    await expectSignedIn(elsewhere, "control-panel");

    await here.goto("/profile");
    await expect(here.getByTestId("session-row")).toHaveCount(2);
    await here.getByRole("button", { name: "Sign out other sessions" }).click();
    await expect(here.getByTestId("form-success")).toContainText("Signed out 1 other session.");
    await expect(here.getByTestId("session-row")).toHaveCount(1);
    await expectSignedOut(elsewhere, "control-panel");
    await expectSignedIn(here, "control-panel");
  });
});

for (const user of [DEMO.customer, DEMO.support]) {
  const home = user.app === "portal" ? "/portal" : "/audit-log";
  test(`[${user.role}] sign-in goes straight to ${home}, with no stop on the way`, async ({
    page,
  }) => {
    await page.goto("/login");
    const visited: string[] = [];
    page.on("request", (req) => {
      if (req.resourceType() === "document" || req.headers()["rsc"]) {
        visited.push(new URL(req.url()).pathname);
      }
    });
    await page.getByLabel("Email", { exact: true }).fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill("demo-password");
    const signInResponse = page.waitForResponse(
      (res) => res.request().method() === "POST" && new URL(res.url()).pathname === "/login",
    );
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // The sign-in answers with a redirect to the user's own home, not to "/" to be sent on.
    const redirect = (await signInResponse).headers()["x-action-redirect"] ?? "";
    expect(redirect.split(";")[0]).toBe(home);
    await expect(page).toHaveURL((url) => url.pathname === home);
    expect(visited).not.toContain("/");
  });
}

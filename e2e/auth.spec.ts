import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import {
  DEMO,
  DEMO_PASSWORD,
  isPortalPath,
  pathOf,
  signIn,
  submitLogin,
  type DemoUser,
} from "./fixtures";

const INVALID = "Invalid email or password.";

// The top bar shows the role as a label ("Admin"); its text runs into the name, so no \b here.
function roleText(role: DemoUser["role"]): RegExp {
  return new RegExp(role, "i");
}

async function expectControlPanel(page: Page): Promise<void> {
  // Retried: sign-in may pass through "/" and redirect on from there.
  await expect(page).toHaveURL(
    ({ pathname }) => pathname === "/" || pathname.startsWith("/audit-log"),
  );
  await expect(page.getByTestId("control-panel-nav")).toBeVisible();
  await expect(page.getByTestId("portal-nav")).toHaveCount(0);
}

async function expectPortal(page: Page): Promise<void> {
  await expect(page).toHaveURL(({ pathname }) => isPortalPath(pathname));
  await expect(page.getByTestId("portal-nav")).toBeVisible();
  await expect(page.getByTestId("control-panel-nav")).toHaveCount(0);
}

for (const user of Object.values(DEMO)) {
  const app = user.app === "portal" ? "Customer Portal" : "Control Panel";
  test(`[${user.role}] signs in and lands in the ${app}`, async ({ page }) => {
    await signIn(page, user.email);
    if (user.app === "portal") await expectPortal(page);
    else await expectControlPanel(page);
    const currentUser = page.getByTestId("current-user");
    await expect(currentUser).toBeVisible();
    await expect(currentUser).toContainText(roleText(user.role));
  });
}

test(`[auditor] a wrong password shows an error and stays on /login`, async ({ page }) => {
  await submitLogin(page, DEMO.auditor.email, "not-the-password");
  await expect(page.getByText(INVALID)).toBeVisible();
  expect(pathOf(page)).toBe("/login");
  await expect(page.getByTestId("current-user")).toHaveCount(0);
});

for (const user of [DEMO.support, DEMO.customer]) {
  test(`[${user.role}] signs out and returns to /login`, async ({ page }) => {
    await signIn(page, user.email);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login(?:[?#]|$)/);
    // the session is really gone, not just the page
    await page.goto(user.app === "portal" ? "/portal" : "/");
    await expect(page).toHaveURL(/\/login(?:[?#]|$)/);
  });
}

test(`[anonymous] is sent to /login from /, /audit-log and /portal`, async ({ page }) => {
  for (const target of ["/", "/audit-log", "/portal"]) {
    await page.goto(target);
    await expect(page, `visiting ${target}`).toHaveURL(/\/login(?:[?#]|$)/);
    await expect(page.getByLabel("Email", { exact: true })).toBeVisible();
  }
});

for (const user of [DEMO.customer, DEMO.carrier]) {
  test(`[${user.role}] never sees the Control Panel`, async ({ page }) => {
    await signIn(page, user.email);
    for (const target of ["/", "/audit-log"]) {
      const response = await page.goto(target);
      const status = response?.status() ?? 0;
      // Either redirected into the portal or refused outright; both keep the user out.
      if (status !== 403 && status !== 404) {
        await expect(page, `visiting ${target}`).toHaveURL(({ pathname }) =>
          isPortalPath(pathname),
        );
      }
      await expect(page.getByTestId("control-panel-nav")).toHaveCount(0);
    }
  });
}

test(`[admin] visiting /portal goes back to the Control Panel`, async ({ page }) => {
  await signIn(page, DEMO.admin.email);
  await page.goto("/portal");
  await expect(page).not.toHaveURL(/\/portal(?:[/?#]|$)/);
  await expectControlPanel(page);
});

test.describe("audit of sign-ins", () => {
  const databaseUrl = process.env.E2E_DATABASE_URL;
  let sql: postgres.Sql | undefined;

  test.beforeAll(() => {
    if (databaseUrl) sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });

  test.afterAll(async () => {
    await sql?.end({ timeout: 5 });
  });

  test(`[admin] a failed sign-in is recorded as a LOGIN entry`, async ({ page }) => {
    test.skip(
      !databaseUrl,
      "runs on the PGlite fallback: the app server holds the embedded database, so the test cannot read it",
    );
    const db = sql!;
    const email = DEMO.admin.email;
    // unique, so finding it anywhere in the entry means the password leaked
    const password = `wrong-${randomBytes(6).toString("hex")}`;
    expect(password).not.toBe(DEMO_PASSWORD);

    const [before] = await db<{ lastId: string }[]>`
      select coalesce(max(id), 0)::text as "lastId" from audit_log`;

    await submitLogin(page, email, password);
    await expect(page.getByText(INVALID)).toBeVisible();

    type Entry = { action: string; message: string; ip: string | null; whole: string };
    // The sign-in may be audited just after the page answers: wait for an entry newer than lastId.
    const newest = async (): Promise<Entry | undefined> => {
      const rows = await db<Entry[]>`
        select action, message, host(ip) as ip, a::text as whole from audit_log a
        where action = 'LOGIN' and id > ${before?.lastId ?? "0"}::bigint order by id desc limit 1`;
      return rows[0];
    };
    await expect.poll(async () => (await newest())?.message, { timeout: 5_000 }).toContain(email);
    const entry = (await newest())!;
    expect(entry.action).toBe("LOGIN");
    expect(entry.message).toContain("Failed");
    expect(entry.message).not.toContain(password);
    expect(entry.whole, "nowhere in the entry").not.toContain(password);
    expect(entry.ip, "the client's address is recorded").toMatch(
      /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/,
    );
  });
});

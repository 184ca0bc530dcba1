import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "demo-password";

export type DemoUser = {
  email: string;
  role: "admin" | "support" | "auditor" | "branding" | "customer" | "carrier";
  /** Which app the user lands in after signing in. */
  app: "control-panel" | "portal";
};

/** The demo seed's sign-ins (PRODUCT.md §8), keyed by role. */
export const DEMO = {
  admin: { email: "admin@example.com", role: "admin", app: "control-panel" },
  support: { email: "support@example.com", role: "support", app: "control-panel" },
  auditor: { email: "auditor@example.com", role: "auditor", app: "control-panel" },
  branding: { email: "brand@example.com", role: "branding", app: "control-panel" },
  customer: { email: "portal@acme.example", role: "customer", app: "portal" },
  carrier: { email: "noc@zephyr.example", role: "carrier", app: "portal" },
} as const satisfies Record<string, DemoUser>;

export type DemoRole = keyof typeof DEMO;

/** Where a sign-in lands: the user's own home, with no stop at "/" on the way. */
const homeOf = (user: DemoUser) => (user.app === "portal" ? "/portal" : "/audit-log");

export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

export function isPortalPath(pathname: string): boolean {
  return pathname === "/portal" || pathname.startsWith("/portal/");
}

/** Fills and submits the login form without waiting for the outcome. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Signs in through the form and waits until the app has navigated away from /login. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await submitLogin(page, email, password);
  await expect(page).not.toHaveURL(/\/login(?:[?#]|$)/);
}

/**
 * Each demo role's signed-in browser state, saved by sign-in.setup.ts at the start of every run
 * (the run's database is new, so are its sessions). Gitignored.
 */
export const savedSignIn = (role: DemoRole) => path.join(__dirname, ".auth", `${role}.json`);

const ENDED =
  "its saved session was ended by an earlier test: a test that signs out, ends sessions or " +
  "changes the password, role or status of a demo user must sign in through the form instead";

/**
 * Signs `page` in as a demo role from the saved state, and opens the home page a sign-in through
 * the form would have left it on. For tests that are not about signing in: no form, no password
 * hash, no LOGIN entry. The session is shared with every other test of the role, so never end it.
 */
export async function signInAs(page: Page, role: DemoRole): Promise<void> {
  const state = JSON.parse(await readFile(savedSignIn(role), "utf8")) as {
    cookies: Parameters<BrowserContext["addCookies"]>[0];
  };
  await page.context().addCookies(state.cookies);
  await page.goto(homeOf(DEMO[role]));
  await expect(page, `[${role}] ${ENDED}`).not.toHaveURL(/\/login(?:[?#]|$)/);
}

/** A context of its own signed in as a demo role from the saved state (see signInAs). */
export async function contextAs(browser: Browser, role: DemoRole): Promise<BrowserContext> {
  return browser.newContext({ storageState: savedSignIn(role) });
}

/** A page in a context of its own, signed in as a demo role and on its home page. */
export async function pageAs(browser: Browser, role: DemoRole): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, role);
  return page;
}

/** Creates a customer account through the Control Panel's form (as a signed-in admin); its id. */
export async function createCustomerAccount(page: Page, name: string): Promise<number> {
  await page.goto("/accounts/new");
  await page.getByLabel("Type").selectOption("customer");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Currency").fill("USD");
  await page.getByLabel("Credit limit").fill("500");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  return Number(new URL(page.url()).pathname.split("/").pop());
}

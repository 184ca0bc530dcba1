import { expect, type Page } from "@playwright/test";

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

import { test as setup } from "@playwright/test";
import { DEMO, savedSignIn, signIn, type DemoRole } from "./fixtures";

// Signs each demo role in once per run and saves the browser state; the specs reuse it
// (fixtures.ts signInAs) instead of filling the login form in every test.
for (const role of Object.keys(DEMO) as DemoRole[]) {
  setup(`[${role}] signs in once and saves the session`, async ({ page }) => {
    await signIn(page, DEMO[role].email);
    await page.context().storageState({ path: savedSignIn(role) });
  });
}

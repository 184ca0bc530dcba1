import {
  defineConfig,
  type PlaywrightTestOptions,
  type PlaywrightWorkerOptions,
} from "@playwright/test";

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) {
  throw new Error(
    "E2E_BASE_URL is not set. Run the end-to-end tests with `npm run test:e2e` (extra arguments go " +
      "to Playwright): it starts a throwaway database and the app, then runs Playwright against them.",
  );
}

// No device preset or channel: both pin a browser build that cannot be downloaded here.
const CHROMIUM: Partial<PlaywrightTestOptions & PlaywrightWorkerOptions> = {
  browserName: "chromium",
  launchOptions: {
    executablePath: process.env.E2E_CHROMIUM || undefined,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  // 2 cores, and the app server runs on the same machine
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  // The JSON report feeds the suite's one-line summary (scripts/test-summary.mjs).
  reporter: [["list"], ["json", { outputFile: "reports/playwright.json" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
  },
  projects: [
    // Signs each demo role in once and saves its state to e2e/.auth/<role>.json (fixtures.ts).
    { name: "sign-in", testMatch: "sign-in.setup.ts", use: CHROMIUM },
    { name: "chromium", testMatch: "*.spec.ts", dependencies: ["sign-in"], use: CHROMIUM },
  ],
});

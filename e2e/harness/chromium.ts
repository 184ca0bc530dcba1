import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export type Browser = {
  /** Passed as E2E_CHROMIUM; undefined means Playwright's own download. */
  executablePath?: string;
  description: string;
};

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** Prefers the distribution's Chromium: Playwright's download is not reachable on every machine. */
export function findChromium(): Browser | undefined {
  if (existsSync(SYSTEM_CHROMIUM)) {
    return { executablePath: SYSTEM_CHROMIUM, description: SYSTEM_CHROMIUM };
  }
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return { description: `Playwright's Chromium (${bundled})` };
  return undefined;
}

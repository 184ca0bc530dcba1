import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import type { AxeResults, RunOptions } from "axe-core";

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const WCAG_AA: RunOptions = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
};

/**
 * Runs axe-core on the page as it is now and fails listing each WCAG 2.1 A/AA violation with its
 * elements. Evaluated through the DevTools protocol, not a script tag, so the app's CSP (which
 * would refuse an injected script, rightly) stays on.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (options) =>
      (window as unknown as { axe: { run: (o: unknown) => Promise<AxeResults> } }).axe.run(options),
    WCAG_AA,
  );
  const violations = results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? "?"}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
  );
  // Some rules must have applied, or an empty list would prove nothing.
  expect(results.passes.length, "axe-core rules that passed").toBeGreaterThan(0);
  expect(violations, "axe-core violations").toEqual([]);
}

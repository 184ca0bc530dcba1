// Prints one closing line for the whole suite, from the JSON reports vitest and Playwright wrote,
// so CI can tell how many tests ran. Fails if a report is missing (that suite did not run).
import { readFileSync } from "node:fs";

const read = (file) => JSON.parse(readFileSync(file, "utf8"));
const unit = read("reports/vitest.json");
const e2e = read("reports/playwright.json");
const passed = unit.numPassedTests + e2e.stats.expected + e2e.stats.flaky;
const failed = unit.numFailedTests + e2e.stats.unexpected;
const skipped = unit.numPendingTests + unit.numTodoTests + e2e.stats.skipped;
console.log(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed`);
console.log(`e2e: ${e2e.stats.expected + e2e.stats.flaky} passed, ${e2e.stats.unexpected} failed`);
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

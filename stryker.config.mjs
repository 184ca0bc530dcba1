// @ts-check
/**
 * Mutation testing of the security-relevant modules (`npm run mutate`): a surviving mutant is a
 * change to the code that no test notices. Not part of `npm test` (minutes per module); the
 * threshold fails the run below 90 % killed.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "mutation/vitest.config.ts" },
  mutate: ["lib/http/client-ip.ts"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};

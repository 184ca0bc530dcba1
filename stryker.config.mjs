/**
 * Mutation testing of the security-relevant modules (`npm run mutate`): a surviving mutant is a
 * change to the code that no test notices. Not part of `npm test` (minutes per module); the
 * threshold fails the run below 90 % killed.
 */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "mutation/vitest.config.ts" },
  // Client IP, the search language, redaction and the viewer policy (what a viewer may see).
  mutate: [
    "lib/http/client-ip.ts",
    "lib/search/{parse-audit-query,query-language,query-dates,format-audit-query,normalize-ip,like}.ts",
    "lib/audit/redact.ts",
    "lib/visibility/{viewer-policy,audit-columns,audit-data}.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};

export default config;

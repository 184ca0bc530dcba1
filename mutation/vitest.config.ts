import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant (`npm run mutate`): those of the mutated modules
 * only (the whole suite would make each mutant's run minutes long).
 */
const root = path.resolve(__dirname, "..");

export default defineConfig({
  root,
  resolve: {
    alias: {
      "@": root,
      "server-only": path.resolve(root, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: [
      "lib/http/client-ip.test.ts",
      "lib/http/peer-seal.test.ts",
      "lib/search/*.test.ts",
      "test/properties/search-language.test.ts",
      "test/properties/redact.test.ts",
      "test/viewer-policy.test.ts",
      "test/visibility.test.ts",
      "lib/visibility/*.test.ts",
    ],
    environment: "node",
    pool: "forks",
    // The viewer-policy tests restore the migrated database this prepares once per run.
    globalSetup: ["test/global-setup.ts"],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});

import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The unit tests Stryker runs against each mutant (`npm run mutate`): the tests of the mutated
 * modules only, and none of them needs the migrated database the main config prepares.
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
    include: ["lib/http/client-ip.test.ts", "lib/http/peer-seal.test.ts"],
    environment: "node",
  },
});

import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Tests are server code: "server-only" is its empty module here, as under the react-server
      // condition in Next's server bundles (a condition for all of vitest would also switch
      // React to its server build).
      "server-only": path.resolve(__dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["test/**/*.test.ts", "lib/**/*.test.ts", "db/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    hookTimeout: 60_000,
    testTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

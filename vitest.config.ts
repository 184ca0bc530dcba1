import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
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

import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

// Layers point one way: app → components → lib → db. Checked on resolved paths (eslint-plugin-
// import with the TypeScript resolver), so `@/app/x` and `../../app/x` are caught alike.
const LAYERS = "Layers point one way: app → components → lib → db (see STYLE.md).";
const layerZones = [
  {
    target: "./components",
    from: "./app",
    message: `${LAYERS} components/ must not import app/: take server actions and data as props.`,
  },
  {
    target: "./components",
    from: ["./db/client.ts", "./db/raw.ts", "./db/embedded"],
    message: `${LAYERS} components/ do not read the database: the page (or a lib/ function it calls) reads, and passes the data down as props.`,
  },
  {
    target: "./lib",
    from: ["./app", "./components"],
    message: `${LAYERS} lib/ must not import app/ or components/.`,
  },
  {
    target: "./db",
    from: ["./app", "./components"],
    message: `${LAYERS} db/ must not import app/ or components/.`,
  },
  {
    target: "./db",
    from: ["./lib", "./seed"],
    message: `${LAYERS} db/ must not import lib/ or seed/: db/ depends on nothing above it.`,
  },
  {
    // The demo seed is a user of the domain, like scripts/: nothing in the product depends on it.
    target: ["./app", "./components", "./lib"],
    from: "./seed",
    message: `${LAYERS} seed/ uses the product; the product never imports seed/.`,
  },
  {
    target: "./bench",
    from: "./e2e",
    message: "bench/ must not import e2e/: what both need (clusters, processes) lives in tools/.",
  },
  {
    target: "./e2e",
    from: "./bench",
    message: "e2e/ must not import bench/: what both need lives in tools/.",
  },
  {
    target: "./tools",
    from: ["./app", "./components", "./lib", "./db", "./e2e", "./bench", "./test", "./scripts"],
    message: "tools/ is shared test and bench infrastructure: it imports none of the project.",
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  // Type-aware rules (no floating or misused promises, no awaiting non-promises …) on TypeScript.
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ["**/*.{ts,tsx}"] })),
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // On: no-floating-promises, no-misused-promises, await-thenable and the rest of the set.
      // Off: an async function that implements a Promise-returning interface (test doubles of
      // auth/db, server actions, teardown steps) needs no await; the two rules above catch misuse.
      "@typescript-eslint/require-await": "off",
      // Off: audit rows are Record<string, unknown> of database scalars, and a narrowed unknown is
      // `{}`, which this rule reports on every intended String(row.x).
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  {
    files: ["test/**", "**/*.test.ts", "e2e/**"],
    rules: {
      // Off in tests: vitest's and Playwright's asymmetric matchers (expect.any, stringMatching)
      // are typed `any`, so every toMatchObject({ x: expect.any(Number) }) would be reported.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "import/no-restricted-paths": ["error", { zones: layerZones }],
    },
  },
  {
    files: ["components/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ExpressionStatement[directive='use server']",
          message: `${LAYERS} No server actions in components/: an action lives with its route (app/**/actions.ts) or in lib/, and reaches the component as a prop or an import.`,
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["drizzle-orm", "postgres", "@electric-sql/pglite"].map((name) => ({
            name,
            message: `${LAYERS} components/ do not query the database: the page (or lib/) does.`,
          })),
          patterns: [
            {
              group: ["drizzle-orm/*", "@electric-sql/pglite/*"],
              message: `${LAYERS} components/ do not query the database: the page (or lib/) does.`,
            },
          ],
        },
      ],
    },
  },
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
];

export default config;

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { hostsOf, isLocalDatabaseUrl } from "@/tools/postgres/local-url";
import { startPostgresCluster } from "@/tools/postgres/throwaway";
import { ToolError } from "@/tools/process/output";
import { onTeardown } from "@/tools/process/teardown";

const E2E_DATABASE = "trunkline_e2e";
/** The role the app connects as on the throwaway cluster, as in production (db/roles.ts). */
const E2E_RUNTIME_ROLE = "trunkline_app";

export type TestDatabase = {
  kind: "external" | "cluster" | "pglite";
  description: string;
  /**
   * What the seed script and the server get: DATABASE_URL (and on the cluster the owner's
   * MIGRATION_DATABASE_URL), or PGLITE_DIR on the fallback.
   */
  env: { DATABASE_URL: string; MIGRATION_DATABASE_URL?: string } | { PGLITE_DIR: string };
  /**
   * For specs that read the database directly, as the owner (they check what the app cannot
   * do); unset on PGlite (the server holds the folder).
   */
  url?: string;
  stop: () => Promise<void>;
};

export async function chooseDatabase(): Promise<TestDatabase> {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given) {
    if (!isLocalDatabaseUrl(given)) {
      throw new ToolError(
        `TEST_DATABASE_URL points at ${hostsOf(given).join(", ")}: end-to-end tests only run ` +
          "against a local database (localhost, 127.0.0.1, ::1 or a unix socket).",
      );
    }
    return {
      kind: "external",
      description: `TEST_DATABASE_URL on ${hostsOf(given).join(", ")}`,
      env: { DATABASE_URL: given },
      url: given,
      stop: async () => {},
    };
  }

  const binaries = findPostgresBinaries();
  if (binaries) {
    const cluster = await startPostgresCluster(binaries, E2E_DATABASE);
    // The production path: migrations as the owner, the app as a runtime role that owns nothing,
    // created by the seed's migrate because DATABASE_URL names another user. Trust authentication
    // ignores the password; it is there as a deployment would have one.
    const app = new URL(cluster.url);
    app.username = E2E_RUNTIME_ROLE;
    app.password = randomBytes(12).toString("hex");
    return {
      kind: "cluster",
      description:
        `throwaway PostgreSQL ${cluster.version} at ${cluster.url}, ` +
        `the app connecting as ${E2E_RUNTIME_ROLE}`,
      env: { DATABASE_URL: app.toString(), MIGRATION_DATABASE_URL: cluster.url },
      url: cluster.url,
      stop: cluster.stop,
    };
  }

  const dir = mkdtempSync(path.join(tmpdir(), "trunkline-e2e-pglite-"));
  const stop = onTeardown("remove the PGlite folder", async () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  return {
    kind: "pglite",
    description:
      `PGlite in ${dir} — NO Postgres server found (no initdb/pg_ctl in /usr/lib/postgresql/*/bin ` +
      "or on PATH), so e2e runs on the embedded database, not the production path; " +
      "`apt-get install -y postgresql` or TEST_DATABASE_URL fixes that",
    env: { PGLITE_DIR: dir },
    stop,
  };
}

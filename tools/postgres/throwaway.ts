import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@/tools/process/free-port";
import { onTeardown } from "@/tools/process/teardown";
import type { PostgresBinaries } from "./binaries";
import { clusterIn, ensureDatabase } from "./cluster";

export type PostgresCluster = {
  /** postgres://postgres@127.0.0.1:PORT/DB, trust auth, TCP on loopback only */
  url: string;
  version: string;
  stop: () => Promise<void>;
};

// Speed over durability: nothing in a throwaway cluster outlives the run.
const THROWAWAY_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
];

/**
 * Starts a throwaway cluster in its own temp folder, on a free loopback port with a private socket
 * directory, and creates `database` in it; stopping it removes the folder.
 */
export async function startPostgresCluster(
  binaries: PostgresBinaries,
  database: string,
): Promise<PostgresCluster> {
  const root = mkdtempSync(path.join(tmpdir(), "trunkline-e2e-pg-"));
  const cluster = clusterIn(binaries, root);
  const stop = onTeardown("stop the Postgres cluster", async () => {
    try {
      await cluster.stop({ timeoutSeconds: 30 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  try {
    await cluster.init({ sync: false });
    const port = await freePort();
    await cluster.start({ port, settings: THROWAWAY_SETTINGS, timeoutSeconds: 60 });
    const base = `postgres://postgres@127.0.0.1:${port}`;
    await ensureDatabase(base, database);
    return { url: `${base}/${database}`, version: binaries.version, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

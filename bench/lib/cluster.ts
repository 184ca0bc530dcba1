import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { FolderInUseError, lockFolder, type FolderLock } from "@/db/embedded/folder-lock";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { clusterIn, ensureDatabase } from "@/tools/postgres/cluster";
import { hostsOf, isLocalDatabaseUrl } from "@/tools/postgres/local-url";
import { freePort } from "@/tools/process/free-port";
import { onTeardown } from "@/tools/process/teardown";

/**
 * The bench's database: BENCH_DATABASE_URL when set (local hosts only: the seed writes millions of
 * rows), else a persistent cluster in .data/bench-pg that is initialised once and started and
 * stopped by each bench script, so the 5M rows survive between `bench:seed` and `bench`.
 */

const BENCH_ROOT = path.join(process.cwd(), ".data", "bench-pg");
const BENCH_DATABASE = "trunkline_bench";

/** "load": durability off for the bulk insert; "query": stock durability, as in production. */
export type ClusterMode = "load" | "query";

export type BenchDatabase = {
  url: string;
  /** For the report: where the data lives and which server it is. */
  description: string;
  /** Whether this process started the server (and so controls its settings). */
  managed: boolean;
  stop: () => Promise<void>;
};

export class BenchError extends Error {}

// 24 GiB of RAM shared with other work: shared_buffers holds the hot indexes and the newest
// heap pages (PERFORMANCE.md: a page outside shared buffers costs a real read); the OS cache
// keeps the rest of the 3.8 GB heap. Planner cost settings stay at Postgres' defaults, so plans
// are the ones a stock server would pick.
const COMMON_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "shared_buffers=2GB",
  "effective_cache_size=16GB",
  "maintenance_work_mem=1GB",
  "max_parallel_maintenance_workers=1",
  "work_mem=16MB",
  "max_connections=50",
  "log_min_duration_statement=-1",
];

// Nothing here needs to survive a crash during the load: a failed load is re-run from its last
// committed chunk. wal_level=minimal also lets CREATE INDEX skip WAL.
const LOAD_SETTINGS = [
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "wal_level=minimal",
  "max_wal_senders=0",
  "max_wal_size=16GB",
  "checkpoint_timeout=3600",
  "autovacuum=off",
];

const QUERY_SETTINGS = ["max_wal_size=4GB"];

/** Opens the bench database in `mode`, starting the persistent cluster when no URL is given. */
export async function openBenchDatabase(mode: ClusterMode): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  if (given) {
    if (!isLocalDatabaseUrl(given)) {
      throw new BenchError(
        `BENCH_DATABASE_URL points at ${hostsOf(given).join(", ")}: the bench writes 5M rows and ` +
          "only runs against a local database (localhost, 127.0.0.1, ::1 or a unix socket).",
      );
    }
    return {
      url: given,
      description: `BENCH_DATABASE_URL on ${hostsOf(given).join(", ")} (its own settings)`,
      managed: false,
      stop: async () => {},
    };
  }
  return startCluster(mode);
}

async function startCluster(mode: ClusterMode): Promise<BenchDatabase> {
  const binaries = findPostgresBinaries();
  if (!binaries) {
    throw new BenchError(
      "No Postgres server binaries (initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH): " +
        "install postgresql, or set BENCH_DATABASE_URL to a local server.",
    );
  }
  mkdirSync(BENCH_ROOT, { recursive: true });

  // One bench process at a time: a second one would restart the server under the first.
  let lock: FolderLock;
  try {
    lock = await lockFolder(BENCH_ROOT);
  } catch (err) {
    if (err instanceof FolderInUseError) {
      const who = err.holder ? ` (process ${err.holder.pid}, ${err.holder.command})` : "";
      throw new BenchError(`${BENCH_ROOT} is in use by another bench:seed or bench process${who}.`);
    }
    throw err;
  }

  // data/, sock/ and postgres.log in BENCH_ROOT
  const cluster = clusterIn(binaries, BENCH_ROOT);
  const stop = onTeardown("stop the bench Postgres cluster", async () => {
    try {
      await cluster.stop({ timeoutSeconds: 120 });
      // fsync was off during the load: push the files to disk now that the server is down.
      if (mode === "load") execFileSync("sync");
    } finally {
      lock.release();
    }
  });

  try {
    const dataDir = path.relative(process.cwd(), cluster.dataDir);
    if (!existsSync(path.join(cluster.dataDir, "PG_VERSION"))) {
      // A half-made folder (initdb interrupted) would make initdb refuse to run.
      rmSync(cluster.dataDir, { recursive: true, force: true });
      console.log(`Initialising the bench cluster in ${dataDir}…`);
      await cluster.init({ sync: true });
    }
    // Still running after a crashed bench (the lock above says no bench owns it): restart it
    // with this mode's settings.
    await cluster.stop({ timeoutSeconds: 120 });

    const port = await freePort();
    const settings = [...COMMON_SETTINGS, ...(mode === "load" ? LOAD_SETTINGS : QUERY_SETTINGS)];
    await cluster.start({ port, settings, timeoutSeconds: 300 });

    const base = `postgres://postgres@127.0.0.1:${port}`;
    await ensureDatabase(base, BENCH_DATABASE);
    return {
      url: `${base}/${BENCH_DATABASE}`,
      description: `bench cluster PostgreSQL ${binaries.version} in ${dataDir} (${mode} settings)`,
      managed: true,
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

/** The server settings the report quotes, as the server reports them. */
export const REPORTED_SETTINGS = [
  "server_version",
  "shared_buffers",
  "effective_cache_size",
  "work_mem",
  "random_page_cost",
  "jit",
  "max_parallel_workers_per_gather",
  "fsync",
  "synchronous_commit",
] as const;

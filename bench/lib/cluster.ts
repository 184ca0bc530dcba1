import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { FolderInUseError, lockFolder, type FolderLock } from "@/db/embedded/folder-lock";
import { hostsOf, isLocalDatabaseUrl } from "@/e2e/harness/database";
import { run } from "@/e2e/harness/exec";
import { freePort } from "@/e2e/harness/free-port";
import { indent } from "@/e2e/harness/log";
import { findPostgresBinaries } from "@/e2e/harness/postgres-cluster";
import { onTeardown } from "@/e2e/harness/teardown";

/**
 * The bench's database: BENCH_DATABASE_URL when set (local hosts only: the seed writes millions of
 * rows), else a persistent cluster in .data/bench-pg that is initialised once and started and
 * stopped by each bench script, so the 5M rows survive between `bench:seed` and `bench`.
 */

export const BENCH_ROOT = path.join(process.cwd(), ".data", "bench-pg");
const DATA_DIR = path.join(BENCH_ROOT, "data");
const SOCKET_DIR = path.join(BENCH_ROOT, "sock");
const LOG_FILE = path.join(BENCH_ROOT, "postgres.log");
export const BENCH_DATABASE = "trunkline_bench";

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

type RunAs = { uid: number; gid: number; wrap: (cmd: string, args: string[]) => string[] };

/** Postgres refuses to run as root: root runs it as the unprivileged `postgres` user. */
function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));
  try {
    id("-u");
  } catch {
    execFileSync("useradd", [
      "--system",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      "postgres",
    ]);
  }
  return {
    uid: id("-u"),
    gid: id("-g"),
    wrap: (cmd, args) => ["runuser", "-u", "postgres", "--", cmd, ...args],
  };
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, uid, gid);
    else chownSync(full, uid, gid);
  }
}

function postmasterAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(DATA_DIR, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function serverLogTail(lines = 30): string {
  try {
    return readFileSync(LOG_FILE, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

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
  const runAs = postgresUser();
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

  const pg = (cmd: string, args: string[]) => {
    const [command, ...fullArgs] = runAs ? runAs.wrap(cmd, args) : [cmd, ...args];
    // cwd: the postgres user may not be allowed into the caller's working directory
    return run(command!, fullArgs, {
      cwd: BENCH_ROOT,
      env: { ...process.env, LC_ALL: "C.UTF-8" },
    });
  };
  const pgCtlStop = () =>
    pg(binaries.pgCtl, ["-D", DATA_DIR, "-m", "fast", "-w", "-t", "120", "stop"]);

  const stop = onTeardown("stop the bench Postgres cluster", async () => {
    try {
      if (postmasterAlive()) {
        await pgCtlStop().catch((err: unknown) => {
          // a Ctrl-C reaches the postmaster too; it may have shut down on its own meanwhile
          if (postmasterAlive()) throw err;
        });
      }
      // fsync was off during the load: push the files to disk now that the server is down.
      if (mode === "load") execFileSync("sync");
    } finally {
      lock.release();
    }
  });

  try {
    if (!existsSync(path.join(DATA_DIR, "PG_VERSION"))) {
      // A half-made folder (initdb interrupted) would make initdb refuse to run.
      rmSync(DATA_DIR, { recursive: true, force: true });
      mkdirSync(SOCKET_DIR, { recursive: true, mode: 0o700 });
      if (runAs) chownTree(BENCH_ROOT, runAs.uid, runAs.gid);
      console.log(`Initialising the bench cluster in ${path.relative(process.cwd(), DATA_DIR)}…`);
      await pg(binaries.initdb, [
        "-D",
        DATA_DIR,
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-instructions",
      ]);
    }
    mkdirSync(SOCKET_DIR, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(SOCKET_DIR, runAs.uid, runAs.gid);
    // Still running after a crashed bench (the lock above says no bench owns it): restart it
    // with this mode's settings.
    if (postmasterAlive()) await pgCtlStop();

    const port = await freePort();
    const settings = [...COMMON_SETTINGS, ...(mode === "load" ? LOAD_SETTINGS : QUERY_SETTINGS)];
    const options = [`-p ${port}`, `-k ${SOCKET_DIR}`, ...settings.map((s) => `-c ${s}`)];
    try {
      await pg(binaries.pgCtl, [
        "-D",
        DATA_DIR,
        "-l",
        LOG_FILE,
        "-w",
        "-t",
        "300",
        "-o",
        options.join(" "),
        "start",
      ]);
    } catch (err) {
      const tail = serverLogTail();
      throw new BenchError(
        `${(err as Error).message}` + (tail ? `\n  server log:\n${indent(tail)}` : ""),
      );
    }

    const base = `postgres://postgres@127.0.0.1:${port}`;
    const admin = postgres(`${base}/postgres`, { max: 1, onnotice: () => {} });
    try {
      const [exists] = await admin`select 1 from pg_database where datname = ${BENCH_DATABASE}`;
      if (!exists) await admin.unsafe(`create database "${BENCH_DATABASE}"`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    return {
      url: `${base}/${BENCH_DATABASE}`,
      description: `bench cluster PostgreSQL ${binaries.version} in ${path.relative(process.cwd(), DATA_DIR)} (${mode} settings)`,
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

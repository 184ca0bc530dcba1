import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { clusterIn, ensureDatabase, type Cluster } from "@/tools/postgres/cluster";
import { freePort } from "@/tools/process/free-port";
import { onTeardown } from "@/tools/process/teardown";
import { BenchError } from "./cluster";

/**
 * The load test's Postgres: a throwaway cluster like the e2e harness's, except that commits are
 * synchronous. The fault test kills the server, and an acknowledged commit must survive that:
 * with synchronous_commit=off (the e2e settings) the last few hundred milliseconds of commits may
 * be lost on a crash by design, which would be a finding about the settings, not the product.
 * fsync stays off: the test kills processes, not the machine, so what was written to the kernel
 * survives; a power loss is not simulated.
 */
const SETTINGS = [
  "listen_addresses=127.0.0.1",
  "fsync=off",
  "synchronous_commit=on",
  "full_page_writes=off",
  "max_connections=100",
];

export type LoadCluster = {
  url: string;
  version: string;
  settings: string[];
  /** SIGKILL of the postmaster and every child of it at once: a crash of the server. */
  kill: () => Promise<number>;
  /** Starts it again on the same data directory and port (crash recovery runs first). */
  restart: () => Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while being read
    }
  }
  return out;
}

function postmasterPid(cluster: Cluster): number {
  const pid = Number(
    readFileSync(path.join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0],
  );
  if (!Number.isInteger(pid) || pid <= 0) throw new BenchError("no postmaster.pid");
  return pid;
}

export async function startLoadCluster(database: string): Promise<LoadCluster> {
  const binaries = findPostgresBinaries();
  if (!binaries) {
    throw new BenchError(
      "No Postgres server binaries (initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH): " +
        "install postgresql to run the load test.",
    );
  }
  const root = mkdtempSync(path.join(tmpdir(), "trunkline-load-pg-"));
  const cluster = clusterIn(binaries, root);
  onTeardown("stop the load test's Postgres cluster", async () => {
    try {
      await cluster.stop({ timeoutSeconds: 30 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  await cluster.init({ sync: false });
  const port = await freePort();
  await cluster.start({ port, settings: SETTINGS, timeoutSeconds: 60 });
  const base = `postgres://postgres@127.0.0.1:${port}`;
  await ensureDatabase(base, database);

  return {
    url: `${base}/${database}`,
    version: binaries.version,
    settings: SETTINGS,
    kill: async () => {
      const pid = postmasterPid(cluster);
      const children = childrenOf(pid);
      process.kill(pid, "SIGKILL");
      for (const child of children) {
        try {
          process.kill(child, "SIGKILL");
        } catch {
          // gone already
        }
      }
      const deadline = Date.now() + 10_000;
      while ([pid, ...children].some(alive)) {
        if (Date.now() > deadline) throw new BenchError("Postgres survived SIGKILL for 10 s");
        await sleep(20);
      }
      return children.length;
    },
    restart: () => cluster.start({ port, settings: SETTINGS, timeoutSeconds: 60 }),
  };
}

import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { run } from "@/tools/process/exec";
import { ToolError, indent } from "@/tools/process/output";
import type { PostgresBinaries } from "./binaries";

/**
 * A Postgres cluster in a folder of its own (data/, sock/, postgres.log), on loopback with trust
 * authentication: the e2e harness's throwaway clusters (./throwaway.ts) and the bench's
 * persistent one (bench/lib/cluster.ts) are both driven through this.
 */
export type Cluster = {
  root: string;
  dataDir: string;
  /** initdb (trust auth, UTF8, C.UTF-8) into dataDir; `sync: false` skips initdb's fsync. */
  init: (options: { sync: boolean }) => Promise<void>;
  /** pg_ctl start on `port`, private socket dir, `settings` as -c name=value; waits until ready. */
  start: (options: { port: number; settings: string[]; timeoutSeconds: number }) => Promise<void>;
  /** A fast shutdown when a postmaster runs (one that stopped on its own meanwhile is fine). */
  stop: (options: { timeoutSeconds: number }) => Promise<void>;
  alive: () => boolean;
};

type RunAs = { uid: number; gid: number; wrap: (cmd: string, args: string[]) => string[] };

/** Postgres refuses to run as root, so root runs it as an unprivileged `postgres` user. */
function choosePostgresUser(): RunAs | undefined {
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

export function clusterIn(binaries: PostgresBinaries, root: string): Cluster {
  const runAs = choosePostgresUser();
  const dataDir = path.join(root, "data");
  const socketDir = path.join(root, "sock");
  const logFile = path.join(root, "postgres.log");

  const pg = (cmd: string, args: string[]) => {
    const [command, ...fullArgs] = runAs ? runAs.wrap(cmd, args) : [cmd, ...args];
    // cwd: the postgres user may not be allowed into the caller's working directory
    return run(command!, fullArgs, { cwd: root, env: { ...process.env, LC_ALL: "C.UTF-8" } });
  };
  const socketDirReady = () => {
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(socketDir, runAs.uid, runAs.gid);
  };
  const alive = () => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      // kill(0) would probe our own process group: an empty or half-written pid file is no server
      if (!Number.isInteger(pid) || pid <= 0) return false;
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const logTail = () => {
    try {
      return readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
    } catch {
      return ""; // no log written
    }
  };

  return {
    root,
    dataDir,
    alive,
    init: async ({ sync }) => {
      socketDirReady();
      if (runAs) chownTree(root, runAs.uid, runAs.gid);
      await pg(binaries.initdb, [
        "-D",
        dataDir,
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        ...(sync ? [] : ["--no-sync"]),
        "--no-instructions",
      ]);
    },
    start: async ({ port, settings, timeoutSeconds }) => {
      socketDirReady();
      const options = [`-p ${port}`, `-k ${socketDir}`, ...settings.map((s) => `-c ${s}`)];
      try {
        await pg(binaries.pgCtl, [
          "-D",
          dataDir,
          "-l",
          logFile,
          "-w",
          "-t",
          String(timeoutSeconds),
          "-o",
          options.join(" "),
          "start",
        ]);
      } catch (err) {
        const tail = logTail();
        throw new ToolError(
          `${(err as Error).message}` + (tail ? `\n  server log:\n${indent(tail)}` : ""),
        );
      }
    },
    stop: async ({ timeoutSeconds }) => {
      if (!alive()) return;
      const args = ["-D", dataDir, "-m", "fast", "-w", "-t", String(timeoutSeconds), "stop"];
      await pg(binaries.pgCtl, args).catch((err: unknown) => {
        // a Ctrl-C reaches the postmaster too, and it may have shut down on its own meanwhile
        if (alive()) throw err;
      });
    },
  };
}

/** Creates `database` on the cluster at `baseUrl` (postgres://user@host:port), if missing. */
export async function ensureDatabase(baseUrl: string, database: string): Promise<void> {
  const admin = postgres(`${baseUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!exists) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

import { execFileSync } from "node:child_process";
import {
  accessSync,
  chownSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { run } from "./exec";
import { freePort } from "./free-port";
import { HarnessError, indent } from "./log";
import { onTeardown } from "./teardown";

export type PostgresBinaries = {
  initdb: string;
  pgCtl: string;
  /** e.g. "15.14", for messages */
  version: string;
};

export type PostgresCluster = {
  /** postgres://postgres@127.0.0.1:PORT/DB, trust auth, TCP on loopback only */
  url: string;
  version: string;
  stop: () => Promise<void>;
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOf(pgCtl: string): string {
  try {
    const out = execFileSync(pgCtl, ["--version"], { encoding: "utf8" });
    return /(\d+(?:\.\d+)?)/.exec(out)?.[1] ?? "unknown version";
  } catch {
    return "unknown version";
  }
}

/**
 * Finds initdb and pg_ctl: Debian keeps them off PATH in /usr/lib/postgresql/<major>/bin, so look
 * there first (newest major wins), then on PATH.
 */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const debianRoot = "/usr/lib/postgresql";
  let dirs: string[] = [];
  try {
    dirs = readdirSync(debianRoot)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
      .map((name) => path.join(debianRoot, name, "bin"));
  } catch {
    // no Debian layout here
  }
  dirs.push(...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean));
  for (const dir of dirs) {
    const initdb = path.join(dir, "initdb");
    const pgCtl = path.join(dir, "pg_ctl");
    if (isExecutable(initdb) && isExecutable(pgCtl)) {
      return { initdb, pgCtl, version: versionOf(pgCtl) };
    }
  }
  return undefined;
}

type RunAs = {
  uid: number;
  gid: number;
  wrap: (cmd: string, args: string[]) => [string, string[]];
};

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
    wrap: (cmd, args) => ["runuser", ["-u", "postgres", "--", cmd, ...args]],
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

/**
 * Starts a throwaway cluster in its own temp folder, on a free loopback port with a private socket
 * directory, tuned for speed over durability, and creates `database` in it.
 */
export async function startPostgresCluster(
  binaries: PostgresBinaries,
  database: string,
): Promise<PostgresCluster> {
  const runAs = choosePostgresUser();
  const root = mkdtempSync(path.join(tmpdir(), "trunkline-e2e-pg-"));
  const dataDir = path.join(root, "data");
  const socketDir = path.join(root, "sock");
  const logFile = path.join(root, "postgres.log");
  const pg = (cmd: string, args: string[]) => {
    const [command, fullArgs] = runAs ? runAs.wrap(cmd, args) : [cmd, args];
    // cwd: the postgres user may not be allowed to read the caller's working directory
    return run(command, fullArgs, { cwd: root, env: { ...process.env, LC_ALL: "C.UTF-8" } });
  };

  const postmasterAlive = () => {
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
  const stop = onTeardown("stop the Postgres cluster", async () => {
    try {
      if (postmasterAlive()) {
        await pg(binaries.pgCtl, ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]).catch(
          (err: unknown) => {
            // a Ctrl-C reaches the postmaster too, and it may have shut down on its own meanwhile
            if (postmasterAlive()) throw err;
          },
        );
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  try {
    mkdirSync(socketDir, { mode: 0o700 });
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
      "--no-sync",
      "--no-instructions",
    ]);
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${socketDir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    try {
      await pg(binaries.pgCtl, [
        "-D",
        dataDir,
        "-l",
        logFile,
        "-w",
        "-t",
        "60",
        "-o",
        serverOptions,
        "start",
      ]);
    } catch (err) {
      let serverLog = "";
      try {
        serverLog = readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      } catch {
        // no log written
      }
      throw new HarnessError(
        `${(err as Error).message}` + (serverLog ? `\n  server log:\n${indent(serverLog)}` : ""),
      );
    }

    const base = `postgres://postgres@127.0.0.1:${port}`;
    const admin = postgres(`${base}/postgres`, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${database}"`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    return { url: `${base}/${database}`, version: binaries.version, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

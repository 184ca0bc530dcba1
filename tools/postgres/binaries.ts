import { execFileSync } from "node:child_process";
import { accessSync, constants, readdirSync } from "node:fs";
import path from "node:path";

export type PostgresBinaries = {
  initdb: string;
  pgCtl: string;
  /** e.g. "15.14", for messages */
  version: string;
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

import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * CPU time, which the machine's other work does not stretch the way it stretches wall time: the
 * Postgres cluster's processes (read from /proc, so a local server on Linux only) and this
 * process's own.
 */

const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces: split after its closing parenthesis
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/**
 * CPU milliseconds used so far by the server whose data directory is `dataDir`: the postmaster,
 * its live children, and the children it has reaped (cutime/cstime), so exited backends and
 * autovacuum workers count too. Null when it cannot be read.
 */
export function serverCpuMs(dataDir: string): number | null {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
  const own = statFields(postmaster);
  if (!own) return null;
  // fields after the name: [0] state, [1] ppid, …, [11] utime, [12] stime, [13] cutime, [14] cstime
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmaster)
      ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

export const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU milliseconds used so far by the live processes of a process group (the app server's). */
export function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // [2] is the process group
    if (fields && Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import type * as FsExt from "fs-ext-extra-prebuilt";
import { z } from "zod";

/**
 * Who may open an embedded database folder: whoever holds an OS-level exclusive lock on the
 * file beside it (flock, LockFileEx on Windows). The kernel holds the lock for as long as the
 * owner's file stays open and drops it when the owner exits, however it exits: nothing depends
 * on a timer firing, so a busy owner never loses it and a killed owner's lock is free at once.
 * The holder writes who it is into the file so that a refusal can name it.
 */

const holderSchema = z.object({
  pid: z.number().int(),
  since: z.string(),
  command: z.string(),
  /** Where the holder answers backup requests, when it serves them (see control-socket.ts). */
  control: z.string().optional(),
});
export type LockHolder = z.infer<typeof holderSchema>;

export class FolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder ? `process ${holder.pid} (${holder.command})` : "another process";
    super(
      `The embedded database in ${folder} is in use by ${who}. Stop it first, or point ` +
        `PGLITE_DIR at another folder: two processes on one PGlite folder corrupt it.`,
    );
  }
}

export type FolderLock = {
  folder: string;
  /** The note a previous holder left: one that ended without releasing (crashed, killed). */
  previous: LockHolder | undefined;
  /** Records where this process answers backup requests, for the next refusal to point at. */
  advertise: (control: string) => void;
  release: () => void;
};

/** The lock file sits beside the folder, so the folder itself can be empty (restore needs that). */
export function lockFileOf(folder: string): string {
  return `${path.resolve(folder)}.lock`;
}

// LockFileEx flags: exclusive, fail at once instead of waiting. Windows locks are mandatory, so
// the locked byte lies past the holder's note (at 4 GiB) to keep the note readable.
const LOCKFILE_EXCLUSIVE_FAIL_IMMEDIATELY = 0x2 | 0x1;

type NativeLocks = typeof FsExt;
let nativeLocks: Promise<NativeLocks> | undefined;

/** The native module, loaded on first use: a Postgres-only deployment never needs it. */
function loadNativeLocks(): Promise<NativeLocks> {
  nativeLocks ??= import("fs-ext-extra-prebuilt").catch((err: unknown) => {
    nativeLocks = undefined;
    throw new FolderLockUnavailableError(
      `The embedded database needs an operating-system file lock, which is not available here ` +
        `(${process.platform}-${process.arch}: ${(err as Error).message}). ` +
        `Set DATABASE_URL to use a Postgres server instead.`,
    );
  });
  return nativeLocks;
}

export class FolderLockUnavailableError extends Error {}

function tryLock({ flockSync, lockFileExSync }: NativeLocks, fd: number): boolean {
  try {
    if (process.platform === "win32") {
      lockFileExSync(fd, LOCKFILE_EXCLUSIVE_FAIL_IMMEDIATELY, 0, 1, 1, 0);
    } else {
      flockSync(fd, "exnb");
    }
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // EAGAIN/EWOULDBLOCK on POSIX; Windows reports a lock violation.
    if (code === "EAGAIN" || code === "EWOULDBLOCK" || code === "EBUSY" || code === "EACCES") {
      return false;
    }
    throw err;
  }
}

/** What the holder wrote, or undefined while it is still writing (or wrote nothing). */
export function readLockHolder(folder: string): LockHolder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(lockFileOf(folder), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The holder writes its note right after locking: give it a moment before naming nobody. */
function awaitHolderNote(folder: string): LockHolder | undefined {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 10; attempt++) {
    const holder = readLockHolder(folder);
    if (holder) return holder;
    Atomics.wait(pause, 0, 0, 20);
  }
  return undefined;
}

function describeCommand(): string {
  const script = process.argv.slice(1).find((a) => /\.(ts|js|mjs|cjs)$/.test(a));
  return script ? path.relative(process.cwd(), script) || script : process.title;
}

/**
 * Takes the folder's lock or throws FolderInUseError naming the holder. Never waits: a held lock
 * means a live process has the folder open.
 */
export async function lockFolder(folder: string): Promise<FolderLock> {
  const native = await loadNativeLocks();
  const resolved = path.resolve(folder);
  mkdirSync(path.dirname(resolved), { recursive: true });
  const file = lockFileOf(resolved);
  // "a+" creates the file if missing without truncating what a live holder wrote.
  const fd = openSync(file, "a+", 0o600);
  if (!tryLock(native, fd)) {
    closeSync(fd);
    throw new FolderInUseError(resolved, awaitHolderNote(resolved));
  }
  const previous = readLockHolder(resolved);
  const holder: LockHolder = {
    pid: process.pid,
    since: new Date().toISOString(),
    command: describeCommand(),
  };
  const write = (value: LockHolder | null) => {
    ftruncateSync(fd, 0);
    if (value) writeSync(fd, JSON.stringify(value), 0);
  };
  write(holder);
  let released = false;
  return {
    folder: resolved,
    previous,
    advertise: (control) => {
      if (!released) write({ ...holder, control });
    },
    release: () => {
      if (released) return;
      released = true;
      write(null);
      closeSync(fd); // closing the last descriptor drops the lock
    },
  };
}

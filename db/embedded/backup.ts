import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { requestBackup } from "./control-socket";
import { snapshotPglite } from "./snapshot";
import { FolderInUseError, lockFolder, type FolderLock } from "./folder-lock";

/**
 * Backups of the embedded database are PGlite's own data-folder archives (a gzipped tar of the
 * Postgres data directory): the exact files, so a restore is the same database, sequences,
 * indexes and all, with no dump/reload step that could lose something.
 */

export class BackupError extends Error {}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const isGzip = (data: Buffer) => data[0] === 0x1f && data[1] === 0x8b;
// Every POSIX tar header carries this magic at offset 257.
const isTar = (data: Buffer) => data.subarray(257, 262).toString("latin1") === "ustar";

/** The backup's tar, checked before PGlite sees it (its own unpacking fails unhandled). */
async function readArchive(file: string): Promise<Uint8Array<ArrayBuffer>> {
  const resolved = path.resolve(file);
  const stored = readFileSync(resolved);
  const tar = isGzip(stored) ? await gunzipAsync(stored).catch(() => undefined) : stored;
  if (!tar || !isTar(tar)) throw new BackupError(`${resolved} is not a db:backup archive.`);
  // Node's own buffers never sit on a SharedArrayBuffer; Blob's typing asks for a plain one.
  return tar;
}

/**
 * Compresses the archive (off the main thread) and writes it beside its final name, then renames
 * it: a crash never leaves half a backup under the name.
 */
async function writeBackupFile(file: string, tar: Buffer): Promise<number> {
  const target = path.resolve(file);
  if (existsSync(target)) throw new BackupError(`${target} already exists: choose another name.`);
  const compressed = await gzipAsync(tar);
  mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  writeFileSync(partial, compressed, { mode: 0o600 });
  renameSync(partial, target);
  return compressed.length;
}

/**
 * Backs up the database in `folder` to `file`, whether or not a server has it open: a folder that
 * is free is opened here; one held by `npm start` is archived by that server, asked through the
 * control socket its lock note names.
 */
export async function backupEmbedded(
  folder: string,
  file: string,
): Promise<{ file: string; bytes: number; takenBy: string }> {
  const resolved = path.resolve(folder);
  if (!existsSync(path.join(resolved, "PG_VERSION"))) {
    throw new BackupError(`${resolved} holds no embedded database.`);
  }
  let tar: Buffer;
  let takenBy = "this process";
  let lock: FolderLock | undefined;
  try {
    lock = await lockFolder(resolved);
  } catch (err) {
    if (!(err instanceof FolderInUseError) || !err.holder?.control) throw err;
    tar = await requestBackup(err.holder.control);
    takenBy = `the server (process ${err.holder.pid})`;
  }
  if (lock) {
    try {
      const client = await PGlite.create({ dataDir: resolved, extensions: { pg_trgm } });
      try {
        tar = await snapshotPglite(client);
      } finally {
        await client.close();
      }
    } finally {
      lock.release();
    }
  }
  const bytes = await writeBackupFile(file, tar!);
  return { file: path.resolve(file), bytes, takenBy };
}

export function defaultBackupFile(folder: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[:]/g, "-")
    .replace(/\.\d+Z$/, "Z");
  return path.join(path.dirname(path.resolve(folder)), "backups", `pglite-${stamp}.tar.gz`);
}

/**
 * Unpacks a backup into `folder`, which must be empty or missing and not in use, then opens it
 * once so a damaged archive is found now rather than at the next start.
 */
export async function restoreBackup(file: string, folder: string): Promise<{ folder: string }> {
  const archive = await readArchive(file);
  const lock = await lockFolder(folder);
  try {
    if (existsSync(lock.folder) && readdirSync(lock.folder).length > 0) {
      throw new BackupError(
        `${lock.folder} is not empty: restore into a new folder, or move this one away first.`,
      );
    }
    mkdirSync(lock.folder, { recursive: true });
    try {
      const client = await PGlite.create({
        dataDir: lock.folder,
        loadDataDir: new Blob([archive]),
        extensions: { pg_trgm },
      });
      try {
        await client.query("select 1");
      } finally {
        await client.close();
      }
    } catch (err) {
      // The folder was empty: leave it so, for the next attempt.
      for (const entry of readdirSync(lock.folder)) {
        rmSync(path.join(lock.folder, entry), { recursive: true, force: true });
      }
      throw new BackupError(`${path.resolve(file)} is not a usable backup: ${String(err)}`);
    }
    return { folder: lock.folder };
  } finally {
    lock.release();
  }
}

import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, type EmbeddedDatabase } from "@/db/client";
import { BackupError, backupEmbedded, restoreBackup } from "@/db/embedded/backup";
import { serveBackups } from "@/db/embedded/control-socket";
import { FolderInUseError, lockFileOf, readLockHolder } from "@/db/embedded/folder-lock";
import { migrateDatabase } from "@/db/migrate";
import { insertTestAccount, insertTestUser } from "./factories";

/**
 * Backup → restore gives the same database: every table's rows and the newest audit entry,
 * whether the archive was taken by this process (folder free) or by the server holding it.
 */

const root = mkdtempSync(path.join(tmpdir(), "trunkline-backup-"));
const source = path.join(root, "source");
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Summary = { counts: Record<string, number>; newestEntry: unknown };

async function summarise(database: Pick<EmbeddedDatabase, "client">): Promise<Summary> {
  const tables = await database.client.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' order by 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const result = await database.client.query<{ n: number }>(
      `select count(*)::int as n from "${name}"`,
    );
    counts[name] = result.rows[0]!.n;
  }
  const newest = await database.client.query("select * from audit_log order by id desc limit 1");
  return { counts, newestEntry: newest.rows[0] };
}

async function summariseFolder(folder: string): Promise<Summary> {
  const database = await openPglite(folder);
  try {
    return await summarise(database);
  } finally {
    await database.close();
  }
}

let original: Summary;

beforeAll(async () => {
  const database = await openPglite(source);
  try {
    await migrateDatabase(database);
    for (let i = 0; i < 3; i++) await insertTestAccount(database.db);
    await insertTestUser(database.db, { role: "support" });
    original = await summarise(database);
  } finally {
    await database.close();
  }
  expect(original.counts.audit_log).toBe(4);
  expect(original.counts.accounts).toBe(3);
});

describe("db:backup and db:restore", () => {
  it("backs up a folder nobody holds, and restores it into a new folder unchanged", async () => {
    const file = path.join(root, "offline.tar.gz");
    const result = await backupEmbedded(source, file);
    expect(result.takenBy).toBe("this process");
    expect(result.bytes).toBeGreaterThan(100_000);

    const target = path.join(root, "restored-offline");
    await restoreBackup(file, target);
    expect(await summariseFolder(target)).toEqual(original);
    // The backup did not change its source either.
    expect(await summariseFolder(source)).toEqual(original);
  });

  it("asks the server holding the folder for the archive, and the server keeps working", async () => {
    const database = await openPglite(source);
    const stopServing = await serveBackups(database.client, database.lock);
    try {
      expect(readLockHolder(source)?.control).toBeTruthy();
      const file = path.join(root, "live.tar.gz");
      const result = await backupEmbedded(source, file);
      expect(result.takenBy).toBe(`the server (process ${process.pid})`);

      // Written after the backup: must not be in it, and the holder is still serving.
      await insertTestAccount(database.db);
      const target = path.join(root, "restored-live");
      await restoreBackup(file, target);
      expect(await summariseFolder(target)).toEqual(original);
    } finally {
      await stopServing();
      await database.close();
    }
    expect((await summariseFolder(source)).counts.accounts).toBe(4);
  });

  it("removes the socket folder of a holder that was killed, and its own when it stops", async () => {
    const left = mkdtempSync(path.join(tmpdir(), "trunkline-control-"));
    writeFileSync(path.join(left, "control.sock"), "");
    // The note a killed server leaves: the kernel freed its lock, the note stays.
    writeFileSync(
      lockFileOf(source),
      JSON.stringify({
        pid: 999_999,
        since: "",
        command: "x",
        control: path.join(left, "control.sock"),
      }),
    );
    const database = await openPglite(source);
    const stopServing = await serveBackups(database.client, database.lock);
    const serving = readLockHolder(source)?.control;
    expect(existsSync(left)).toBe(false);
    expect(serving && existsSync(serving)).toBe(true);
    await stopServing();
    await database.close();
    expect(existsSync(path.dirname(serving!))).toBe(false);
  });

  it("refuses to restore into a folder that holds data, leaving it as it was", async () => {
    const file = path.join(root, "refusals.tar.gz");
    await backupEmbedded(source, file);
    const before = await summariseFolder(source);
    await expect(restoreBackup(file, source)).rejects.toThrow(
      new BackupError(
        `${source} is not empty: restore into a new folder, or move this one away first.`,
      ),
    );
    expect(await summariseFolder(source)).toEqual(before);
  });

  it("refuses to restore into a folder in use, naming the holder", async () => {
    const file = path.join(root, "in-use.tar.gz");
    await backupEmbedded(source, file);
    const target = path.join(root, "held");
    const holder = await openPglite(target);
    try {
      const err = await restoreBackup(file, target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FolderInUseError);
      expect((err as FolderInUseError).holder?.pid).toBe(process.pid);
    } finally {
      await holder.close();
    }
  });

  it("refuses to overwrite an existing backup file", async () => {
    const file = path.join(root, "exists.tar.gz");
    writeFileSync(file, "keep me");
    await expect(backupEmbedded(source, file)).rejects.toThrow(
      `${file} already exists: choose another name.`,
    );
  });

  it("refuses files that are not backups and leaves the target folder empty", async () => {
    const target = path.join(root, "from-garbage");
    const notTar = path.join(root, "garbage.tar.gz");
    writeFileSync(notTar, Buffer.from("this is not a tar archive at all".repeat(100)));
    const badGzip = path.join(root, "truncated.tar.gz");
    writeFileSync(badGzip, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
    for (const file of [notTar, badGzip]) {
      await expect(restoreBackup(file, target)).rejects.toThrow(
        new BackupError(`${file} is not a db:backup archive.`),
      );
    }
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
  });

  it("refuses to back up a folder that holds no database", async () => {
    await expect(
      backupEmbedded(path.join(root, "nothing-here"), path.join(root, "x.tar.gz")),
    ).rejects.toThrow(`${path.join(root, "nothing-here")} holds no embedded database.`);
  });
});

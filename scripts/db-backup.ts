import path from "node:path";
import { parseArgs } from "node:util";
import { BackupError, backupEmbedded, defaultBackupFile } from "@/db/embedded/backup";
import { FolderInUseError } from "@/db/embedded/folder-lock";
import { readConfig } from "@/lib/config";

/**
 * `npm run db:backup [-- --to file.tar.gz]`: a consistent copy of the embedded database, whether
 * `npm start` is running on it (the server takes the archive) or not (this process does).
 */
async function main() {
  const config = readConfig();
  if (config.DATABASE_URL) {
    throw new BackupError(
      "DATABASE_URL is set: db:backup copies the embedded database. Back up a Postgres server with pg_dump.",
    );
  }
  const { values } = parseArgs({ options: { to: { type: "string" }, from: { type: "string" } } });
  const folder = path.resolve(values.from ?? config.PGLITE_DIR);
  const started = Date.now();
  const { file, bytes, takenBy } = await backupEmbedded(
    folder,
    values.to ?? defaultBackupFile(folder),
  );
  const mb = (bytes / 1e6).toFixed(1);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`Backed up ${folder} to ${file} (${mb} MB, ${seconds} s, taken by ${takenBy}).`);
  console.log(`Restore it with: npm run db:restore -- ${file} --to <empty folder>`);
}

main().catch((err: unknown) => {
  const known = err instanceof BackupError || err instanceof FolderInUseError;
  console.error(known ? `Cannot back up: ${err.message}` : err);
  process.exit(1);
});

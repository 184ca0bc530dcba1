import path from "node:path";
import { parseArgs } from "node:util";
import { BackupError, restoreBackup } from "@/db/embedded/backup";
import { FolderInUseError } from "@/db/embedded/folder-lock";
import { readConfig } from "@/lib/config";

/**
 * `npm run db:restore -- <backup.tar.gz> [--to <folder>]`: unpacks a db:backup archive into an
 * empty folder (PGLITE_DIR by default). It never overwrites: a folder in use or with data in it
 * is refused.
 */
async function main() {
  const { values, positionals } = parseArgs({
    options: { to: { type: "string" } },
    allowPositionals: true,
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    console.error("Usage: npm run db:restore -- <backup.tar.gz> [--to <empty folder>]");
    process.exit(2);
  }
  const folder = path.resolve(values.to ?? readConfig().PGLITE_DIR);
  const started = Date.now();
  await restoreBackup(file, folder);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`Restored ${path.resolve(file)} into ${folder} in ${seconds} s.`);
  console.log(`Serve it with: PGLITE_DIR=${folder} npm start`);
}

main().catch((err: unknown) => {
  const known = err instanceof BackupError || err instanceof FolderInUseError;
  console.error(known ? `Cannot restore: ${err.message}` : err);
  process.exit(1);
});

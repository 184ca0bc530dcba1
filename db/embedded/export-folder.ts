import { existsSync } from "node:fs";
import path from "node:path";
import { DatabaseUnavailableError, openPglite, openPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import {
  ExportRefusedError,
  exportToPostgres,
  type ExportOptions,
  type ExportReport,
} from "./export-to-postgres";

/**
 * `npm run db:export`'s work: opens the embedded database in `folder` (taking its lock, so a
 * running server makes it refuse), brings its schema up to date and exports it to `targetUrl`.
 */
export async function exportPgliteFolder(
  folder: string,
  targetUrl: string,
  options: ExportOptions = {},
): Promise<ExportReport> {
  const resolved = path.resolve(folder);
  // Opening a folder without a database would create an empty one, and export that.
  if (!existsSync(path.join(resolved, "PG_VERSION"))) {
    throw new ExportRefusedError(
      `There is no embedded database in ${resolved}: set PGLITE_DIR or pass --from <folder>.`,
    );
  }
  // Opening the source takes seconds: find out first whether the target can be reached at all.
  await (await openPostgres(targetUrl)).close();
  options.log?.(`Opening the embedded database in ${resolved}`);
  const source = await openPglite(resolved).catch((err: unknown) => {
    if (!(err instanceof DatabaseUnavailableError)) throw err;
    throw new DatabaseUnavailableError(
      `${err.message} Stop \`npm start\` first (or whatever holds it): the export needs the ` +
        `folder to itself.`,
    );
  });
  try {
    // What `npm start` would do anyway: the target gets this version's migrations, so must it.
    await migrateDatabase(source);
    return await exportToPostgres(source, targetUrl, options);
  } finally {
    await source.close();
  }
}

import { DatabaseUnavailableError, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { readConfig } from "@/lib/config";
import { sealAndCheckpoint } from "@/lib/audit/chain/verification";

/**
 * `npm run audit:seal`: seals every settled entry now and writes a checkpoint (the app does both
 * on its own; this is for a database the app is not running on, and before a backup).
 */
async function main() {
  const config = readConfig();
  const database = await openDatabase();
  try {
    await migrateDatabase(database);
    const result = await sealAndCheckpoint(
      database.db,
      { file: config.AUDIT_CHECKPOINT_FILE, url: config.AUDIT_CHECKPOINT_URL },
      { always: true },
    );
    if (result.busy) {
      console.log("Another process is sealing right now; nothing done.");
      return;
    }
    console.log(
      `Sealed ${result.sealed} entries; the chain ends at entry ${result.head.entryId}` +
        ` (checkpoint in ${config.AUDIT_CHECKPOINT_FILE}).`,
    );
    if (result.checkpointError) console.error(`Checkpoint not posted: ${result.checkpointError}`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof DatabaseUnavailableError ? `Cannot seal: ${err.message}` : err);
  process.exit(1);
});

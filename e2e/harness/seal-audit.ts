import { openPostgres } from "@/db/client";
import { sealAndCheckpoint } from "@/lib/audit/chain/verification";

/**
 * `tsx --conditions=react-server e2e/harness/seal-audit.ts`: seals every settled audit entry of
 * the e2e database (DATABASE_URL) and writes a checkpoint to AUDIT_CHECKPOINT_FILE (the app
 * server's), through the product's own sealer, and prints the result as JSON. The app server
 * seals on its own every few seconds; a spec that must know a given entry is sealed calls this.
 */
async function main() {
  const url = process.env.DATABASE_URL;
  const file = process.env.AUDIT_CHECKPOINT_FILE;
  if (!url || !file) {
    throw new Error("usage: DATABASE_URL=… AUDIT_CHECKPOINT_FILE=… seal-audit.ts");
  }
  const database = await openPostgres(url);
  try {
    const result = await sealAndCheckpoint(database.db, { file }, { always: true });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

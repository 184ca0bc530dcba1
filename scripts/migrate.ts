import { DatabaseUnavailableError, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

async function main() {
  const database = await openDatabase();
  try {
    await migrateDatabase(database);
    console.log(`Migrations applied to ${database.location}.`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof DatabaseUnavailableError ? `Cannot migrate: ${err.message}` : err);
  process.exit(1);
});

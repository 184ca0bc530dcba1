import { parseArgs } from "node:util";
import { DatabaseUnavailableError, openOwnerDatabase } from "@/db/client";
import { readDatabaseConfig } from "@/db/config";
import { migrateAsOwner } from "@/db/migrate";
import { RuntimeRoleError } from "@/db/roles";

const USAGE = `Usage: npm run db:migrate [-- --runtime-role <name>]

Applies the migrations as the schema's owner (MIGRATION_DATABASE_URL, else DATABASE_URL).
--runtime-role creates that role when missing (password: RUNTIME_DATABASE_PASSWORD) and grants
it what the app needs and nothing more; when DATABASE_URL connects as another user than
MIGRATION_DATABASE_URL, that user is the runtime role without asking. Roles set up before are
granted again at every migrate. See "Database roles" in the README.`;

class UsageError extends Error {}

function parseArguments(argv: string[]): { runtimeRole?: string } | "help" {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { "runtime-role": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    return values.help ? "help" : { runtimeRole: values["runtime-role"] };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function main() {
  const args = parseArguments(process.argv.slice(2));
  if (args === "help") {
    console.log(USAGE);
    return;
  }
  const database = await openOwnerDatabase();
  try {
    const roles = await migrateAsOwner(database, readDatabaseConfig(), args.runtimeRole);
    console.log(`Migrations applied to ${database.location}.`);
    for (const role of roles) console.log(`Runtime role ${role}: granted.`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const known = err instanceof DatabaseUnavailableError || err instanceof RuntimeRoleError;
  console.error(known ? `Cannot migrate: ${err.message}` : err);
  process.exit(1);
});

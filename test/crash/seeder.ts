import { openPglite } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { seedDemo } from "@/seed/demo/demo";
import { hasAnyUser } from "@/seed/demo/status";
import { runChild, say, tableCounts } from "./child-io";

/**
 * Crash-test child: `node --import tsx test/crash/seeder.ts <folder> <historyScale> <cdrCount>`.
 * Makes the decision `npm start` makes on the embedded database (scripts/start.ts,
 * prepareDatabase, which runs on import and so cannot be imported): open, migrate, and seed
 * the demo data when there is no user. Prints `migrated <counts>`, then `seeding`, the seed's
 * own progress lines as `log <line>`, and `seeded <result>` — or `has-users` when it skips.
 */

/** A fixed end of history, so every run of the seed writes the same data. */
const SEED_NOW = new Date("2026-06-01T12:00:00Z");

async function main() {
  const [dir, scale, cdrs] = process.argv.slice(2);
  if (!dir || !scale || !cdrs) {
    throw new Error("usage: seeder.ts <pglite folder> <historyScale> <cdrCount>");
  }
  const database = await openPglite(dir);
  await migrateDatabase(database);
  say(`migrated ${JSON.stringify(await tableCounts(database.db))}`);
  // The same test as start.ts: the embedded database with no user at all gets the demo.
  if (await hasAnyUser(database.db)) {
    say("has-users");
  } else {
    say("seeding");
    const result = await seedDemo(database.db, {
      historyScale: Number(scale),
      cdrCount: Number(cdrs),
      now: SEED_NOW,
      log: (line) => say(`log ${line}`),
    });
    say(`seeded ${JSON.stringify(result)}`);
  }
  await database.close();
}

runChild(main);

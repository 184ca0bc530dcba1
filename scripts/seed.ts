import { sql } from "drizzle-orm";
import { DatabaseUnavailableError, type Db } from "@/db/client";
import { openMigratedDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import { RuntimeRoleError } from "@/db/roles";
import { DEMO_PASSWORD, DEMO_SIGN_INS, seedDemo } from "@/seed/demo/demo";

/**
 * `npm run db:seed`: loads the demo data into the database the app uses (PGlite in PGLITE_DIR,
 * or DATABASE_URL), unless it is already there. Stop `npm start` first when using PGlite.
 */
async function main() {
  const database = await openMigratedDatabase();
  try {
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const { seeded } = await seedDemo(database.db, {
      log: (line) => console.log(`[${elapsed()}] ${line}`),
    });
    if (!seeded) {
      console.log("Demo data already present; nothing to do.");
      return;
    }
    console.log(`Demo data loaded into ${database.location} in ${elapsed()}.`);
    await printSummary(database.db);
    console.log(`\nDemo sign-ins (password: ${DEMO_PASSWORD}):`);
    for (const s of DEMO_SIGN_INS) {
      console.log(`  ${s.email.padEnd(22)} ${s.role.padEnd(9)} ${s.sees}`);
    }
  } finally {
    await database.close();
  }
}

async function printSummary(db: Db) {
  const [counts] = await queryRows<Record<string, number>>(
    db,
    sql`select
      (select count(*)::int from accounts where type = 'customer') as customers,
      (select count(*)::int from accounts where type = 'carrier') as carriers,
      (select count(*)::int from ingress_routes) as ingress,
      (select count(*)::int from users) as users,
      (select count(*)::int from destinations) as destinations,
      (select count(*)::int from cdrs) as cdrs,
      (select count(*)::int from audit_log) as audit`,
  );
  const actions = await queryRows<{ action: string; n: number }>(
    db,
    sql`select action::text, count(*)::int as n from audit_log group by 1 order by 1`,
  );
  const c = counts ?? {};
  console.log(
    `  ${c.customers} customers, ${c.carriers} carriers, ${c.ingress} ingress routes, ` +
      `${c.users} users, ${c.destinations} destinations, ${c.cdrs} CDRs`,
  );
  console.log(`  ${c.audit} audit entries: ${actions.map((a) => `${a.action} ${a.n}`).join(", ")}`);
}

main().catch((err: unknown) => {
  if (err instanceof DatabaseUnavailableError || err instanceof RuntimeRoleError) {
    console.error(`Cannot seed: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});

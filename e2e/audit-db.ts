import { test } from "@playwright/test";
import postgres from "postgres";

/**
 * Read-only access to the e2e database, to compare what a page shows with what is stored.
 * Unavailable on the PGlite fallback (the app server holds that database), where such tests skip.
 */
export function auditDbForSpec() {
  const url = process.env.E2E_DATABASE_URL;
  const holder: { sql?: postgres.Sql } = {};
  test.beforeAll(() => {
    if (url) holder.sql = postgres(url, { max: 1, onnotice: () => {} });
  });
  test.afterAll(async () => {
    await holder.sql?.end({ timeout: 5 });
  });
  return {
    get sql(): postgres.Sql {
      test.skip(!url, "needs the e2e Postgres server (not available on the PGlite fallback)");
      return holder.sql!;
    },
  };
}

export async function accountId(sql: postgres.Sql, name: string): Promise<number> {
  const [row] = await sql<{ id: string }[]>`select id::text from accounts where name = ${name}`;
  if (!row) throw new Error(`no account named ${name}`);
  return Number(row.id);
}

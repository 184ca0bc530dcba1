import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { inject } from "vitest";
import type { Db, EmbeddedDatabase } from "@/db/client";
import * as schema from "@/db/schema";

/** A fresh, migrated, empty in-memory database for one test file (real SQL, no mocks). */
export async function createTestDatabase(): Promise<Omit<EmbeddedDatabase, "lock">> {
  const dump = readFileSync(inject("migratedDump"));
  const client = await PGlite.create({
    loadDataDir: new Blob([dump]),
    extensions: { pg_trgm },
  });
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
  return { db, client, kind: "pglite", location: "memory", close: () => client.close() };
}

import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, inject } from "vitest";
import type { Db, EmbeddedDatabase } from "@/db/client";
import * as schema from "@/db/schema";

export type TestDatabase = Omit<EmbeddedDatabase, "lock">;

/** A fresh, migrated, empty in-memory database (real SQL, no mocks). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dump = readFileSync(inject("migratedDump"));
  const client = await PGlite.create({
    loadDataDir: new Blob([dump]),
    extensions: { pg_trgm },
  });
  const db = drizzle({ client, schema, casing: "snake_case" }) as unknown as Db;
  return { db, client, kind: "pglite", location: "memory", close: () => client.close() };
}

/**
 * One fresh database for the enclosing file or describe block: opened in a beforeAll registered
 * here (so call this before the scope's own beforeAll, which may then seed it) and closed in an
 * afterAll. Nothing is reset between tests: they share the data, and keep apart by creating
 * their own records with unique names. `db` and `client` may be read from hooks and tests.
 */
export function setUpTestDatabase(): Pick<TestDatabase, "db" | "client"> {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());
  const open = () => {
    if (!database)
      throw new Error("The test database opens in beforeAll: use it in a hook or test");
    return database;
  };
  return {
    get db() {
      return open().db;
    },
    get client() {
      return open().client;
    },
  };
}

// Never in a browser bundle. Outside Next (vitest, tsx scripts) it resolves to its empty module
// through the react-server condition, as in Next's server bundles (see package.json, vitest.config).
import "server-only";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import {
  FolderInUseError,
  FolderLockUnavailableError,
  lockFolder,
  type FolderLock,
} from "./embedded/folder-lock";
import { readDatabaseConfig } from "./config";
import * as schema from "./schema";

/** One Drizzle type for both drivers, so domain code never knows which one it runs on. */
export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

type OpenDatabase = {
  db: Db;
  /** Where the data lives, for messages: the PGlite folder or the server's host:port/db. */
  location: string;
  close: () => Promise<void>;
};

/** The embedded database, with what backup and export need beyond queries. */
export type EmbeddedDatabase = OpenDatabase & { kind: "pglite"; client: PGlite; lock: FolderLock };
export type ServerDatabase = OpenDatabase & { kind: "postgres" };
export type Database = EmbeddedDatabase | ServerDatabase;

export class DatabaseUnavailableError extends Error {}

const drizzleOptions = { schema, casing: "snake_case" } as const;

/** Opens the embedded PGlite database in `dir`, holding its folder lock until closed. */
export async function openPglite(dir: string): Promise<EmbeddedDatabase> {
  let lock: FolderLock;
  try {
    lock = await lockFolder(dir);
  } catch (err) {
    if (err instanceof FolderInUseError || err instanceof FolderLockUnavailableError) {
      throw new DatabaseUnavailableError(err.message);
    }
    throw err;
  }
  try {
    mkdirSync(lock.folder, { recursive: true });
    const client = await PGlite.create({ dataDir: lock.folder, extensions: { pg_trgm } });
    const db = drizzlePglite({ client, ...drizzleOptions }) as unknown as Db;
    let closing: Promise<void> | undefined;
    return {
      db,
      kind: "pglite",
      location: lock.folder,
      client,
      lock,
      // Idempotent: a signal handler and a `finally` may both close it.
      close: () => (closing ??= client.close().finally(() => lock.release())),
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Connects to a real Postgres server and fails fast, with a readable message, if it cannot. */
export async function openPostgres(
  url: string,
  variable = "DATABASE_URL",
): Promise<ServerDatabase> {
  let where = `the ${variable} server`;
  try {
    const u = new URL(url);
    if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error(u.protocol);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    throw new DatabaseUnavailableError(`${variable} is not a valid postgres:// URL.`);
  }
  const sql = postgres(url, {
    max: 10,
    connect_timeout: 5,
    idle_timeout: 60,
    // postgres.js' default grows to 20 s during an outage, so after a database restart the app
    // stayed unanswering for 3–10 s in the load test; capped, it reconnects within a second
    backoff: (attempt: number) => (0.5 + Math.random() / 2) * Math.min(3 ** attempt / 100, 1),
    onnotice: () => {},
  });
  try {
    await sql`select 1`;
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new DatabaseUnavailableError(`Cannot reach the database at ${where}: ${reason}.`);
  }
  const db = drizzlePostgres({ client: sql, ...drizzleOptions }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    location: where,
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Picks the driver: postgres.js when DATABASE_URL is set, the embedded PGlite otherwise. */
export async function openDatabase(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const config = readDatabaseConfig(env);
  if (!config.DATABASE_URL && config.MIGRATION_DATABASE_URL) {
    // Otherwise the app would run on the embedded database while migrations went to the server.
    throw new DatabaseUnavailableError(
      "MIGRATION_DATABASE_URL is set but DATABASE_URL is not: set both to use a Postgres server.",
    );
  }
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openPglite(config.PGLITE_DIR);
}

/**
 * The database as the role that owns the schema, for migrations: MIGRATION_DATABASE_URL, else
 * DATABASE_URL, else the embedded PGlite (whose only role owns everything).
 */
export function openOwnerDatabase(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const config = readDatabaseConfig(env);
  if (config.MIGRATION_DATABASE_URL) {
    return openPostgres(config.MIGRATION_DATABASE_URL, "MIGRATION_DATABASE_URL");
  }
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openPglite(config.PGLITE_DIR);
}

// One database per process, kept on globalThis so hot reloads and Next's separately bundled
// server chunks share it with the start script that opened it.
const GLOBAL_KEY = Symbol.for("trunkline.database");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  const g = globalThis as GlobalWithDb;
  g[GLOBAL_KEY] ??= openDatabase().catch((err) => {
    delete g[GLOBAL_KEY];
    throw err;
  });
  return g[GLOBAL_KEY];
}

/** Registers an already-open database as this process's one (used by the start script and tests). */
export function setDatabase(database: Database): void {
  (globalThis as GlobalWithDb)[GLOBAL_KEY] = Promise.resolve(database);
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

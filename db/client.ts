import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import lockfile from "proper-lockfile";
import postgres from "postgres";
import { readConfig } from "@/lib/config";
import * as schema from "./schema";

/** One Drizzle type for both drivers, so domain code never knows which one it runs on. */
export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where the data lives, for messages: the PGlite folder or the server's host:port/db. */
  location: string;
  close: () => Promise<void>;
};

export class DatabaseUnavailableError extends Error {}

const drizzleOptions = { schema, casing: "snake_case" } as const;

/** Opens the embedded PGlite database in `dir`, holding a lock so no second process opens it. */
export async function openPglite(dir: string): Promise<Database> {
  const dataDir = path.resolve(dir);
  mkdirSync(dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      stale: 15_000,
      update: 5_000,
      realpath: false,
      onCompromised: (err) => console.error(`PGlite lock on ${dataDir} lost: ${err.message}`),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") {
      throw new DatabaseUnavailableError(
        `The embedded database in ${dataDir} is in use by another process (is \`npm start\` running?). ` +
          `Stop it first, or point PGLITE_DIR at another folder: two processes on one PGlite folder corrupt it.`,
      );
    }
    throw err;
  }
  try {
    const client = await PGlite.create({ dataDir, extensions: { pg_trgm } });
    const db = drizzlePglite({ client, ...drizzleOptions }) as unknown as Db;
    return {
      db,
      kind: "pglite",
      location: dataDir,
      close: async () => {
        await client.close();
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Connects to a real Postgres server and fails fast, with a readable message, if it cannot. */
export async function openPostgres(url: string): Promise<Database> {
  let where = "the DATABASE_URL server";
  try {
    const u = new URL(url);
    if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error(u.protocol);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    throw new DatabaseUnavailableError("DATABASE_URL is not a valid postgres:// URL.");
  }
  const sql = postgres(url, {
    max: 10,
    connect_timeout: 5,
    idle_timeout: 60,
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
  return { db, kind: "postgres", location: where, close: () => sql.end({ timeout: 5 }) };
}

/** Picks the driver: postgres.js when DATABASE_URL is set, the embedded PGlite otherwise. */
export function openDatabase(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const config = readConfig(env);
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

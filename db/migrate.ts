import path from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { Sql } from "postgres";
import { openDatabase, openOwnerDatabase, type Database } from "./client";
import { readDatabaseConfig, type DatabaseConfig } from "./config";
import { regrantRuntimeRoles, runtimeRoleFor, RuntimeRoleError, setUpRuntimeRole } from "./roles";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * Applies the committed drizzle-kit migrations (drizzle-kit's own migrate cannot load PGlite
 * extensions), then, on a server, re-grants the runtime roles set up before, so that tables a
 * migration added get their rights. Run as the schema's owner. Returns the roles re-granted.
 */
export async function migrateDatabase(database: Database): Promise<string[]> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.kind === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase, config);
    return [];
  }
  const db = database.db as unknown as PostgresJsDatabase;
  // Instances started together on a database that needs a migration would each apply it:
  // one at a time, and the later ones find it done. A session lock on a connection of its own.
  const { $client } = database.db as unknown as { $client: Sql };
  const session = await $client.reserve();
  try {
    await session`select pg_advisory_lock(7301, 0)`;
    await migratePostgres(db, config);
  } finally {
    await session`select pg_advisory_unlock(7301, 0)`.catch(() => {});
    session.release();
  }
  return regrantRuntimeRoles(database.db);
}

/**
 * Migrates `owner` (opened with openOwnerDatabase), then sets up the runtime role: `requested`
 * (db:migrate's --runtime-role), else DATABASE_URL's user when MIGRATION_DATABASE_URL connects
 * as another (db/roles.ts). Returns every runtime role granted.
 */
export async function migrateAsOwner(
  owner: Database,
  config: DatabaseConfig,
  requested?: string,
): Promise<string[]> {
  const role = runtimeRoleFor(config, requested);
  if (role && owner.kind === "pglite") {
    throw new RuntimeRoleError(
      `Runtime role ${role.name}: roles apply to a Postgres server; the embedded database has ` +
        "one role, a superuser.",
    );
  }
  const roles = await migrateDatabase(owner);
  if (!role) return roles;
  await setUpRuntimeRole(owner.db, role);
  return [...new Set([...roles, role.name])].sort();
}

/** Whether the app connects with another URL than the migrations (usually another role). */
export function connectsSeparately(config: DatabaseConfig): boolean {
  return !!config.MIGRATION_DATABASE_URL && config.MIGRATION_DATABASE_URL !== config.DATABASE_URL;
}

/**
 * For scripts that work as the app does after migrating (seed, create-admin): migrates as the
 * owner, then returns the database as the app connects to it.
 */
export async function openMigratedDatabase(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Database> {
  const config = readDatabaseConfig(env);
  const owner = await openOwnerDatabase(env);
  try {
    await migrateAsOwner(owner, config);
  } catch (err) {
    await owner.close();
    throw err;
  }
  if (!connectsSeparately(config)) return owner;
  await owner.close();
  return openDatabase(env);
}

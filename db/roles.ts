import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "./client";
import type { DatabaseConfig } from "./config";
import { queryRows } from "./raw";

/**
 * Least privilege on a real Postgres server. The role that runs the migrations owns the schema;
 * the app connects as a runtime role that only reads and writes rows. Ownership is what lets a
 * role disable or drop a trigger, alter a table or truncate it, so the runtime role owns nothing,
 * and the append-only tables take only SELECT and INSERT from it: the audit guards (migration
 * 0002) then hold against the app's own connection, not only against its code.
 *
 * PGlite has one role, a superuser: none of this applies to the embedded database.
 */

/** Tables the app only ever appends to. Tables not created yet are skipped, and covered later. */
export const APPEND_ONLY_TABLES = [
  "audit_log",
  "audit_chain",
  "audit_signatures",
  "audit_signing_start",
  "audit_retention_cuts",
  "audit_verifications",
] as const;

const SCHEMA = "public";

export class RuntimeRoleError extends Error {}

// Quoted wherever it is used; the pattern only keeps out reserved names and typos.
const roleName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, "not a role name")
  .refine((name) => !name.toLowerCase().startsWith("pg_"), "pg_ names are reserved");

export type RuntimeRole = {
  name: string;
  /** Set when the role is created; an existing role's password is left alone unless `resetPassword`. */
  password?: string;
  resetPassword?: boolean;
};

function parseRoleName(name: string): string {
  const parsed = roleName.safeParse(name);
  if (!parsed.success) {
    throw new RuntimeRoleError(`Runtime role "${name}": ${parsed.error.issues[0]!.message}.`);
  }
  return parsed.data;
}

function userOf(url: string): { user: string; password?: string } {
  const u = new URL(url);
  return {
    user: decodeURIComponent(u.username),
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

/**
 * The runtime role to set up: the one asked for (db:migrate's --runtime-role), else DATABASE_URL's
 * user when MIGRATION_DATABASE_URL connects as another. Its password, when it must be created, is
 * RUNTIME_DATABASE_PASSWORD, else the one in DATABASE_URL.
 */
export function runtimeRoleFor(
  config: DatabaseConfig,
  requested?: string,
): RuntimeRole | undefined {
  const explicit = config.RUNTIME_DATABASE_PASSWORD;
  if (requested) {
    return { name: parseRoleName(requested), password: explicit, resetPassword: !!explicit };
  }
  if (!config.DATABASE_URL || !config.MIGRATION_DATABASE_URL) return undefined;
  const app = userOf(config.DATABASE_URL);
  if (!app.user || app.user === userOf(config.MIGRATION_DATABASE_URL).user) return undefined;
  return {
    name: parseRoleName(app.user),
    password: explicit ?? app.password,
    resetPassword: !!explicit,
  };
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function run(tx: Tx, statement: string): Promise<void> {
  await tx.execute(sql.raw(statement));
}

async function roleExists(db: Db | Tx, name: string): Promise<boolean> {
  const rows = await queryRows(db, sql`select 1 from pg_roles where rolname = ${name}`);
  return rows.length > 0;
}

/** Creates the role, or sets its password when asked; Postgres quotes the password (format %L). */
async function createOrUpdateRole(tx: Tx, role: RuntimeRole): Promise<void> {
  const exists = await roleExists(tx, role.name);
  if (exists && !(role.resetPassword && role.password !== undefined)) return;
  const template = exists
    ? "ALTER ROLE %I PASSWORD %L"
    : role.password === undefined
      ? "CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
      : "CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L";
  const [row] = await queryRows<{ statement: string }>(
    tx,
    sql`select format(${template}, ${role.name}::text, ${role.password ?? null}::text) as statement`,
  );
  try {
    await run(tx, row!.statement);
  } catch (err) {
    const reason = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new RuntimeRoleError(
      `Cannot ${exists ? "set the password of" : "create"} role ${role.name} (${reason}). ` +
        `Give the migration role CREATEROLE, or as a superuser run: ` +
        `${exists ? "ALTER" : "CREATE"} ROLE ${ident(role.name)} ${exists ? "" : "LOGIN "}PASSWORD '…'`,
    );
  }
}

async function existingAppendOnlyTables(tx: Tx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    tx,
    sql`select c.relname as name from pg_class c
        where c.relnamespace = ${SCHEMA}::regnamespace and c.relkind in ('r', 'p')
          and c.relname in (${sql.join(
            APPEND_ONLY_TABLES.map((t) => sql`${t}`),
            sql`, `,
          )})
        order by 1`,
  );
  return rows.map((r) => r.name);
}

/**
 * Grants `role` exactly its rights, revoking first so that a right granted earlier and no longer
 * wanted goes (an earlier UPDATE on a table that became append-only). Later tables get SELECT and
 * INSERT by default, failing safe until the next migrate widens the mutable ones.
 */
async function grant(tx: Tx, role: string): Promise<void> {
  const r = ident(role);
  const s = ident(SCHEMA);
  const [{ db } = { db: "" }] = await queryRows<{ db: string }>(
    tx,
    sql`select current_database() as db`,
  );
  await run(tx, `GRANT CONNECT ON DATABASE ${ident(db)} TO ${r}`);
  await run(tx, `GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  await run(tx, `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
  await run(tx, `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
  const appendOnly = await existingAppendOnlyTables(tx);
  if (appendOnly.length > 0) {
    await run(tx, `REVOKE UPDATE, DELETE ON ${appendOnly.map(ident).join(", ")} FROM ${r}`);
  }
  await run(tx, `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`);
  await run(tx, `GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
  await run(tx, `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} REVOKE ALL ON TABLES FROM ${r}`);
  await run(tx, `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT, INSERT ON TABLES TO ${r}`);
  await run(tx, `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} REVOKE ALL ON SEQUENCES FROM ${r}`);
  await run(tx, `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE ON SEQUENCES TO ${r}`);
  // Before Postgres 15 every role could create tables in public (CVE-2018-1058); revoked as the
  // Postgres documentation advises, when this role may (it owns the schema).
  const [open] = await queryRows<{ create: boolean; owner: boolean }>(
    tx,
    sql`select has_schema_privilege(${role}::name, ${SCHEMA}::text, 'CREATE') as create,
               pg_has_role(current_user, n.nspowner, 'USAGE') as owner
        from pg_namespace n where n.nspname = ${SCHEMA}`,
  );
  if (open?.create && open.owner) {
    await run(tx, `REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC, ${r}`);
  }
}

/**
 * What `role` can still do that a runtime role must not, or lacks for the app's work: empty when
 * it is right. Checked through has_*_privilege, so rights from PUBLIC and from roles it belongs to
 * count too.
 */
export async function runtimeRoleProblems(db: Db | Tx, role: string): Promise<string[]> {
  const [attrs] = await queryRows<{
    superuser: boolean;
    createrole: boolean;
    owner_member: boolean;
    create_db_objects: boolean;
    create_in_schema: boolean;
    replication_role: boolean;
  }>(
    db,
    sql`select r.rolsuper as superuser, r.rolcreaterole as createrole,
               pg_has_role(r.oid, (select oid from pg_roles where rolname = current_user), 'MEMBER')
                 as owner_member,
               has_database_privilege(r.oid, current_database(), 'CREATE') as create_db_objects,
               has_schema_privilege(r.oid, ${SCHEMA}::text, 'CREATE') as create_in_schema,
               has_parameter_privilege(r.oid, 'session_replication_role', 'SET') as replication_role
        from pg_roles r where r.rolname = ${role}`,
  );
  if (!attrs) return [`role ${role} does not exist`];
  const problems: string[] = [];
  if (attrs.superuser) problems.push("is a superuser, which bypasses every privilege");
  if (attrs.createrole) problems.push("has CREATEROLE");
  if (attrs.owner_member) problems.push("is a member of the role that runs the migrations");
  if (attrs.create_db_objects) problems.push("may create schemas in the database");
  if (attrs.create_in_schema) problems.push(`may create objects in schema ${SCHEMA}`);
  if (attrs.replication_role) problems.push("may set session_replication_role");

  const owned = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_roles r on r.rolname = ${role}
        where c.relnamespace = ${SCHEMA}::regnamespace and pg_has_role(r.oid, c.relowner, 'MEMBER')
        union all
        select n.nspname from pg_namespace n join pg_roles r on r.rolname = ${role}
        where n.nspname = ${SCHEMA} and pg_has_role(r.oid, n.nspowner, 'MEMBER')
        order by 1`,
  );
  if (owned.length > 0) {
    problems.push(
      `owns ${owned.map((o) => o.name).join(", ")} (as a superuser: REASSIGN OWNED BY ` +
        `${ident(role)} TO <the migration role>)`,
    );
  }

  const tables = await queryRows<{
    name: string;
    select: boolean;
    insert: boolean;
    update: boolean;
    delete: boolean;
    truncate: boolean;
    trigger: boolean;
    references: boolean;
  }>(
    db,
    sql`select c.relname as name,
          has_table_privilege(r.oid, c.oid, 'SELECT') as select,
          has_table_privilege(r.oid, c.oid, 'INSERT') as insert,
          has_table_privilege(r.oid, c.oid, 'UPDATE') as update,
          has_table_privilege(r.oid, c.oid, 'DELETE') as delete,
          has_table_privilege(r.oid, c.oid, 'TRUNCATE') as truncate,
          has_table_privilege(r.oid, c.oid, 'TRIGGER') as trigger,
          has_table_privilege(r.oid, c.oid, 'REFERENCES') as references
        from pg_class c join pg_roles r on r.rolname = ${role}
        where c.relnamespace = ${SCHEMA}::regnamespace and c.relkind in ('r', 'p')
        order by 1`,
  );
  const appendOnly = new Set<string>(APPEND_ONLY_TABLES);
  for (const t of tables) {
    type Privilege =
      "select" | "insert" | "update" | "delete" | "truncate" | "trigger" | "references";
    const extra: Privilege[] = (["truncate", "trigger", "references"] as const).filter((p) => t[p]);
    const needed: Privilege[] = ["select", "insert"];
    if (appendOnly.has(t.name)) extra.push(...(["update", "delete"] as const).filter((p) => t[p]));
    else needed.push("update", "delete");
    const missing = needed.filter((p) => !t[p]);
    if (extra.length > 0) problems.push(`may ${extra.join(", ").toUpperCase()} ${t.name}`);
    if (missing.length > 0) problems.push(`lacks ${missing.join(", ").toUpperCase()} on ${t.name}`);
  }
  return problems;
}

/** Serialises concurrent starts: two GRANTs on one object at once fail with "tuple concurrently updated". */
async function lockRoles(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('trunkline.roles', 0))`);
}

async function grantChecked(tx: Tx, name: string): Promise<void> {
  if (name === (await currentUser(tx))) {
    throw new RuntimeRoleError(
      `The runtime role ${name} is the role that runs the migrations: the app must connect as ` +
        "another role (DATABASE_URL), the migrations as the owner (MIGRATION_DATABASE_URL).",
    );
  }
  await grant(tx, name);
  const problems = await runtimeRoleProblems(tx, name);
  if (problems.length > 0) {
    throw new RuntimeRoleError(
      `Runtime role ${name} is not safe to run the app as:\n  ${problems.join("\n  ")}`,
    );
  }
}

async function currentUser(db: Db | Tx): Promise<string> {
  const [row] = await queryRows<{ name: string }>(db, sql`select current_user as name`);
  return row!.name;
}

/**
 * Creates `role` when missing and grants it a runtime role's rights, in one transaction; refuses
 * (changing nothing) a role that could still alter the schema or rewrite the append-only tables.
 * Idempotent. Run as the role that owns the tables.
 */
export async function setUpRuntimeRole(db: Db, role: RuntimeRole): Promise<void> {
  await db.transaction(async (tx) => {
    await lockRoles(tx);
    await createOrUpdateRole(tx, role);
    await grantChecked(tx, role.name);
  });
}

/**
 * The runtime roles set up before, by this owner: those its default privileges in the schema
 * grant to. Re-granted at every migrate, so tables a migration adds get their full rights.
 */
async function knownRuntimeRoles(db: Db | Tx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select distinct g.rolname as name
        from pg_default_acl d, aclexplode(d.defaclacl) a, pg_roles g
        where d.defaclrole = (select oid from pg_roles where rolname = current_user)
          and d.defaclnamespace = ${SCHEMA}::regnamespace and d.defaclobjtype = 'r'
          and g.oid = a.grantee and a.grantee <> d.defaclrole
        order by 1`,
  );
  return rows.map((r) => r.name);
}

/** Re-grants every runtime role set up before (see knownRuntimeRoles); returns their names. */
export async function regrantRuntimeRoles(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    await lockRoles(tx);
    const roles = await knownRuntimeRoles(tx);
    for (const role of roles) await grantChecked(tx, role);
    return roles;
  });
}

import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";

/**
 * What the export reads from the system catalogs, on either side. Everything comes back as text,
 * ints or JSON text, because the two drivers parse bigint and json differently.
 */

export type TableInfo = {
  name: string;
  /** Every live column in attnum order: the order of the table's row type. */
  columns: string[];
  /** The columns an INSERT may name (generated columns are computed by the target). */
  insertable: string[];
  /** Other public tables this one has foreign keys to. */
  references: string[];
  /** Heap pages, to split the copy into chunks of bounded size. */
  blocks: number;
};

const columnsSchema = z.array(z.object({ name: z.string(), generated: z.boolean() }));
const tableRowSchema = z.object({
  name: z.string(),
  columns: z.string(),
  refs: z.string(),
  blocks: z.coerce.number().int(),
});

/** Double-quotes an identifier, for the few places drizzle's sql.identifier cannot go (casts). */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export const qualified = (name: string) => `${quoteIdent("public")}.${quoteIdent(name)}`;

/** The ordinary tables of `public` (partitioned parents hold no rows of their own). */
export async function listTables(db: DbOrTx): Promise<TableInfo[]> {
  const rows = await queryRows(
    db,
    sql`select c.relname::text as name,
          coalesce((select json_agg(json_build_object('name', a.attname,
                                                      'generated', a.attgenerated <> '')
                                    order by a.attnum)
                    from pg_attribute a
                    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped),
                   '[]')::text as columns,
          coalesce((select json_agg(distinct r.relname::text)
                    from pg_constraint f join pg_class r on r.oid = f.confrelid
                    where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid),
                   '[]')::text as refs,
          (pg_relation_size(c.oid) / current_setting('block_size')::int)::bigint::text as blocks
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
        order by c.relname`,
  );
  return rows.map((raw) => {
    const row = tableRowSchema.parse(raw);
    const columns = columnsSchema.parse(JSON.parse(row.columns));
    return {
      name: row.name,
      columns: columns.map((c) => c.name),
      insertable: columns.filter((c) => !c.generated).map((c) => c.name),
      references: z.array(z.string()).parse(JSON.parse(row.refs)),
      blocks: row.blocks,
    };
  });
}

/**
 * Parents before children, so foreign keys hold at every insert even where the target cannot
 * switch their checks off (table owner without superuser). Ties and cycles go by name.
 */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const known = new Set(tables.map((t) => t.name));
  const pending = new Map(
    tables.map((t) => [t.name, new Set(t.references.filter((r) => known.has(r)))]),
  );
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, deps]) => deps.size === 0).map(([name]) => name);
    // A cycle: take the first remaining table; only a superuser target copies it unchecked.
    const next = ready.length > 0 ? ready.sort() : [[...pending.keys()].sort()[0]!];
    for (const name of next) {
      pending.delete(name);
      for (const deps of pending.values()) deps.delete(name);
      ordered.push(byName.get(name)!);
    }
  }
  return ordered;
}

export async function listSequences(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname::text as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'S'
        order by c.relname`,
  );
  return rows.map((r) => r.name);
}

export type SequenceState = { value: string; isCalled: boolean };

export async function readSequence(db: DbOrTx, name: string): Promise<SequenceState> {
  const [row] = await queryRows<{ value: string; is_called: boolean }>(
    db,
    sql`select last_value::text as value, is_called from ${sql.raw(qualified(name))}`,
  );
  return { value: row!.value, isCalled: row!.is_called };
}

export async function writeSequence(db: DbOrTx, name: string, state: SequenceState) {
  await db.execute(
    sql`select setval(${qualified(name)}::regclass, ${state.value}::bigint, ${state.isCalled})`,
  );
}

/** The tables among `names` that hold at least one row. */
export async function tablesWithRows(db: DbOrTx, names: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const [row] = await queryRows<{ has: boolean }>(
      db,
      sql`select exists (select 1 from ${sql.raw(qualified(name))}) as has`,
    );
    if (row?.has) found.push(name);
  }
  return found;
}

export async function countRows(db: DbOrTx, name: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    db,
    sql`select count(*)::text as n from ${sql.raw(qualified(name))}`,
  );
  return Number(row!.n);
}

/** The `when` of every migration drizzle recorded, or null when it never migrated this database. */
export async function appliedMigrations(db: DbOrTx): Promise<number[] | null> {
  const [journal] = await queryRows<{ exists: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`,
  );
  if (!journal?.exists) return null;
  const rows = await queryRows<{ created_at: string }>(
    db,
    sql`select created_at::text as created_at from drizzle.__drizzle_migrations order by created_at`,
  );
  return rows.map((r) => Number(r.created_at));
}

export type TargetRights = {
  role: string;
  /** May set session_replication_role: superuser, or granted the parameter (15+). */
  canSkipTriggers: boolean;
  /** Owns the database, so it owns the tables its migrations create. */
  ownsDatabase: boolean;
};

export async function readTargetRights(db: DbOrTx): Promise<TargetRights> {
  const [row] = await queryRows<{
    role: string;
    superuser: boolean;
    owner: boolean;
    version: number;
  }>(
    db,
    sql`select current_user::text as role,
          (select rolsuper from pg_roles where rolname = current_user) as superuser,
          pg_has_role(current_user,
                      (select datdba from pg_database where datname = current_database()),
                      'USAGE') as owner,
          current_setting('server_version_num')::int as version`,
  );
  let granted = false;
  // has_parameter_privilege exists from 15 on; older servers only let superusers set it.
  if (!row!.superuser && row!.version >= 150_000) {
    const [grant] = await queryRows<{ ok: boolean }>(
      db,
      sql`select has_parameter_privilege(current_user, 'session_replication_role', 'SET') as ok`,
    );
    granted = grant?.ok ?? false;
  }
  return {
    role: row!.role,
    canSkipTriggers: row!.superuser || granted,
    ownsDatabase: row!.owner,
  };
}

import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";

/**
 * Secondary indexes are cheaper to build once over all the rows than to grow row by row (the
 * audit log's trigram GIN indexes above all), so the copy drops them and rebuilds them before
 * it commits. Indexes behind constraints (primary keys, unique constraints) stay: foreign keys
 * and the row checks need them. Inside the copy's transaction, a rollback restores them all.
 */

export type DroppedIndex = { name: string; definition: string };

export async function dropSecondaryIndexes(dst: DbOrTx, tables: string[]): Promise<DroppedIndex[]> {
  const wanted = new Set(tables);
  const indexes = await queryRows<DroppedIndex & { table: string }>(
    dst,
    sql`select format('%I.%I', n.nspname, ic.relname) as name, tc.relname::text as table,
          pg_get_indexdef(i.indexrelid) as definition
        from pg_index i
          join pg_class ic on ic.oid = i.indexrelid
          join pg_class tc on tc.oid = i.indrelid
          join pg_namespace n on n.oid = tc.relnamespace
        where n.nspname = 'public'
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
          and pg_has_role(tc.relowner, 'USAGE')
        order by ic.relname`,
  );
  const dropped = indexes.filter((i) => wanted.has(i.table));
  for (const index of dropped) await dst.execute(sql.raw(`drop index ${index.name}`));
  return dropped.map(({ name, definition }) => ({ name, definition }));
}

export async function rebuildIndexes(dst: DbOrTx, indexes: DroppedIndex[]): Promise<void> {
  // Sorting in memory instead of in temp files is most of a bulk build's speed.
  await dst.execute(sql`set local maintenance_work_mem = '256MB'`);
  for (const index of indexes) await dst.execute(sql.raw(index.definition));
}

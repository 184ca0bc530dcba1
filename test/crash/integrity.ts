import { PGlite } from "@electric-sql/pglite";
import { amcheck } from "@electric-sql/pglite/contrib/amcheck";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { lockFolder } from "@/db/embedded/folder-lock";

/**
 * Postgres's own corruption checks (amcheck) over a PGlite folder: every table's pages and
 * tuples (verify_heapam), every B-tree index against its table (bt_index_check with
 * heapallindexed: each row is in the index) and every GIN index. Row counts and audit entries
 * can look right while an index has lost a row; this finds that. It installs the amcheck
 * extension, so it is the last thing done to a folder.
 */
export async function checkIntegrity(dir: string): Promise<{ tables: number; indexes: number }> {
  // The app's own lock: the checker is the one process in the folder, like every other.
  const lock = await lockFolder(dir);
  try {
    const client = await PGlite.create({ dataDir: lock.folder, extensions: { pg_trgm, amcheck } });
    try {
      await client.exec("create extension if not exists amcheck");
      const { rows: tables } = await client.query<{ name: string }>(
        `select c.oid::regclass::text as name from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'drizzle') and c.relkind = 'r'`,
      );
      for (const { name } of tables) {
        const { rows } = await client.query<{ blkno: number; msg: string }>(
          `select blkno, msg from verify_heapam($1::regclass, check_toast => true)`,
          [name],
        );
        if (rows.length > 0) throw new Error(`${name} is corrupt: ${JSON.stringify(rows)}`);
      }
      const { rows: indexes } = await client.query<{ name: string; am: string }>(
        `select c.oid::regclass::text as name, am.amname as am from pg_index i
         join pg_class c on c.oid = i.indexrelid
         join pg_am am on am.oid = c.relam
         join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'drizzle')`,
      );
      for (const { name, am } of indexes) {
        // Both raise an error, naming the index, on the first inconsistency they find.
        if (am === "btree") await client.query(`select bt_index_check($1::regclass, true)`, [name]);
        else if (am === "gin") await client.query(`select gin_index_check($1::regclass)`, [name]);
        else throw new Error(`no check for ${am} index ${name}`);
      }
      return { tables: tables.length, indexes: indexes.length };
    } finally {
      await client.close();
    }
  } finally {
    lock.release();
  }
}

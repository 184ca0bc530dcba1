import { writeSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";

/**
 * What the crash-test children share: an honest "acknowledged" line, and row counts of every
 * table. They are run as `node --import tsx <file>` (not through tsx's CLI, which would put a
 * second process between the test and the one holding the database: SIGKILL must hit the latter).
 */

/**
 * Writes one line to stdout synchronously: when this returns the line is in the pipe, so the
 * parent reads it even if the process is SIGKILLed right after. That is what "acknowledged"
 * means here. process.stdout.write is synchronous for pipes on Linux only; on other platforms
 * it may still hold the line in this process when the kill comes.
 */
export function say(line: string): void {
  let buffer = Buffer.from(`${line}\n`);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(1, buffer));
    } catch (err) {
      // A non-blocking pipe that is full: the parent reads it soon, try again.
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
    }
  }
}

/** Stops the child loudly: a crash test must not pass because its child gave up quietly. */
export function runChild(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    say(`error ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}

export type TableCounts = Record<string, number>;

/** Rows in every table of the database (public and drizzle's migrations), by schema.table. */
export async function tableCounts(db: DbOrTx): Promise<TableCounts> {
  const tables = await queryRows<{ schema: string; name: string }>(
    db,
    sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        order by 1, 2`,
  );
  if (tables.length === 0) return {};
  const [row] = await queryRows<TableCounts>(
    db,
    sql`select ${sql.join(
      tables.map(
        (t) =>
          sql`(select count(*)::int from ${sql.identifier(t.schema)}.${sql.identifier(t.name)}) as ${sql.identifier(`${t.schema}.${t.name}`)}`,
      ),
      sql`, `,
    )}`,
  );
  return row ?? {};
}

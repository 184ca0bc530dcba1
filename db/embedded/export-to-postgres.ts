import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { openPostgres, type Database, type DbOrTx, type EmbeddedDatabase } from "@/db/client";
import { pgErrorOf } from "@/db/errors";
import { MIGRATIONS_FOLDER, migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import {
  appliedMigrations,
  countRows,
  dependencyOrder,
  listSequences,
  listTables,
  qualified,
  readSequence,
  readTargetRights,
  tablesWithRows,
  writeSequence,
  type TableInfo,
  type TargetRights,
} from "./export-catalog";
import { dropSecondaryIndexes, rebuildIndexes } from "./export-indexes";

/**
 * Moves an embedded (PGlite) database into an empty Postgres server: migrates the target with
 * the app's own migrations, then copies every row of every `public` table in one transaction on
 * the target, with the audit guards off for that transaction only, and checks the result before
 * committing. A failure at any point leaves the target without rows.
 */

export type ExportReport = {
  tables: { name: string; rows: number }[];
  auditEntries: number;
  newestAuditId: number | null;
  seconds: number;
};

export type ExportOptions = { log?: (line: string) => void };

/** The export would overwrite data, or cannot run with what it was given: nothing was written. */
export class ExportRefusedError extends Error {}

/** How the copy keeps the audit guards from firing: see switchTriggersOff. */
type TriggerMode = "replica" | "disable";

/** Heap pages per chunk (8 MiB): bounds memory on both sides whatever the table's size. */
const CHUNK_BLOCKS = 1024;
/** A table that takes longer than this between progress lines gets one per chunk. */
const PROGRESS_EVERY_MS = 5_000;

export async function exportToPostgres(
  source: EmbeddedDatabase,
  targetUrl: string,
  options: ExportOptions = {},
): Promise<ExportReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map(
    (m) => m.folderMillis,
  );
  await checkMigrations(source.db, migrations, `The embedded database in ${source.location}`);

  const target = await openPostgres(targetUrl);
  try {
    const rights = await readTargetRights(target.db);
    const mode = chooseTriggerMode(rights, target.location);
    await refuseUnlessEmpty(target.db, target.location);
    log(`Migrating ${target.location}`);
    await migrateDatabase(target);
    await checkMigrations(target.db, migrations, `The target database ${target.location}`);

    const copied = await copyAll(source, target, { mode, role: rights.role }, log);
    await analyze(target.db, copied.tables, log);
    return { ...copied, seconds: (performance.now() - started) / 1000 };
  } finally {
    await target.close();
  }
}

/** Both sides must have exactly this code's migrations, or their tables may not line up. */
async function checkMigrations(db: DbOrTx, expected: number[], which: string) {
  const applied = await appliedMigrations(db);
  if (!applied) {
    throw new ExportRefusedError(
      `${which} has never been migrated: it is not a Trunkline database.`,
    );
  }
  const known = new Set(expected);
  const unknown = applied.filter((when) => !known.has(when));
  if (unknown.length > 0) {
    throw new ExportRefusedError(
      `${which} has ${unknown.length} migration(s) this version of Trunkline does not know: ` +
        `export with the version that created them.`,
    );
  }
  if (applied.length < expected.length) {
    throw new ExportRefusedError(
      `${which} lacks ${expected.length - applied.length} of this version's migrations: ` +
        `run \`npm run db:migrate\` on it first.`,
    );
  }
}

function chooseTriggerMode(rights: TargetRights, location: string): TriggerMode {
  if (rights.canSkipTriggers) return "replica";
  if (rights.ownsDatabase) return "disable";
  throw new ExportRefusedError(needsOwnerMessage(rights.role, location));
}

const needsOwnerMessage = (role: string, location: string) =>
  `The export needs the database owner or a superuser role: ${role} cannot switch off the ` +
  `audit guards of ${location} for the copy. Connect as the owner of the database (or as postgres).`;

async function refuseUnlessEmpty(db: DbOrTx, location: string) {
  const tables = (await listTables(db)).map((t) => t.name);
  const withRows = await tablesWithRows(db, tables);
  if (withRows.length > 0) {
    throw new ExportRefusedError(
      `The target database ${location} already holds data (in ${listSome(withRows)}): the ` +
        `export only fills an empty database. Create a new one (createdb) and export into that.`,
    );
  }
}

function listSome(names: string[], shown = 5): string {
  const more = names.length - shown;
  return names.slice(0, shown).join(", ") + (more > 0 ? ` and ${more} more tables` : "");
}

const secondsSince = (start: number) => ((performance.now() - start) / 1000).toFixed(1);

const rowCount = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "row" : "rows"}`;

type Copied = Omit<ExportReport, "seconds">;

/**
 * One read-only snapshot of the source and one transaction on the target: every table is copied
 * and checked, the sequences set, and only then is the target committed.
 */
function copyAll(
  source: EmbeddedDatabase,
  target: Database,
  triggers: Triggers,
  log: (line: string) => void,
): Promise<Copied> {
  return source.db.transaction(
    async (src) => {
      await useStableTextFormats(src);
      const tables = dependencyOrder(await listTables(src));
      return target.db.transaction(async (dst) => {
        await useStableTextFormats(dst);
        checkSameTables(tables, await listTables(dst), target.location);
        await lockAndRecheck(dst, tables, target.location);
        return fill(src, dst, tables, { ...triggers, location: target.location }, log);
      });
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

type Triggers = { mode: TriggerMode; role: string };

async function fill(
  src: DbOrTx,
  dst: DbOrTx,
  tables: TableInfo[],
  triggers: Triggers & { location: string },
  log: (line: string) => void,
): Promise<Copied> {
  await switchTriggersOff(dst, tables, triggers.mode, () =>
    needsOwnerMessage(triggers.role, triggers.location),
  );
  const indexes = await dropSecondaryIndexes(
    dst,
    tables.map((t) => t.name),
  );
  const copied: Copied["tables"] = [];
  for (const table of tables) {
    copied.push({ name: table.name, rows: await copyTable(src, dst, table, log) });
  }
  const rebuilding = performance.now();
  await rebuildIndexes(dst, indexes);
  log(`Rebuilt ${indexes.length} indexes (${secondsSince(rebuilding)} s)`);

  await verifyCounts(dst, copied);
  const newest = await verifyNewestAuditEntry(src, dst, tables);
  if (triggers.mode === "disable") await switchTriggersOn(dst, tables);
  // Last: setval is not undone by a rollback, so nothing that can fail comes after it.
  const sequences = await listSequences(src);
  for (const name of sequences) await writeSequence(dst, name, await readSequence(src, name));
  log(`Set ${sequences.length} sequences to the source's values`);

  const audit = copied.find((t) => t.name === "audit_log");
  return { tables: copied, auditEntries: audit?.rows ?? 0, newestAuditId: newest };
}

/**
 * The rows travel as their text form, printed by one server and parsed by the other: pin every
 * setting that shapes that text, so it never depends on either side's configuration.
 */
async function useStableTextFormats(db: DbOrTx) {
  await db.execute(sql`set local TimeZone = 'UTC'`);
  await db.execute(sql`set local DateStyle = 'ISO, YMD'`);
  await db.execute(sql`set local IntervalStyle = 'postgres'`);
  await db.execute(sql`set local extra_float_digits = 1`);
  await db.execute(sql`set local bytea_output = 'hex'`);
}

function checkSameTables(source: TableInfo[], target: TableInfo[], location: string) {
  const byName = new Map(target.map((t) => [t.name, t]));
  for (const table of source) {
    const other = byName.get(table.name);
    if (!other) {
      throw new ExportRefusedError(`The target database ${location} has no table ${table.name}.`);
    }
    // Rows travel as row-type literals, which are positional: the column order must match.
    if (other.columns.join(",") !== table.columns.join(",")) {
      throw new ExportRefusedError(
        `Table ${table.name} has columns (${table.columns.join(", ")}) in the embedded database ` +
          `but (${other.columns.join(", ")}) in ${location}.`,
      );
    }
  }
}

/** Nobody may write to the target between the emptiness check and the commit. */
async function lockAndRecheck(dst: DbOrTx, tables: TableInfo[], location: string) {
  const list = tables.map((t) => qualified(t.name)).join(", ");
  if (list) await dst.execute(sql.raw(`lock table ${list} in exclusive mode`));
  await refuseUnlessEmpty(dst, location);
}

/**
 * Replica mode skips every ordinary trigger (the audit guards, the row touch) and the foreign
 * key checks, for this transaction only. Without the right to set it, the database owner
 * disables its tables' own triggers inside the transaction instead: a rollback or the closing
 * ENABLE restores them, and dependencyOrder keeps the foreign keys satisfied.
 */
async function switchTriggersOff(
  dst: DbOrTx,
  tables: TableInfo[],
  mode: TriggerMode,
  refusal: () => string,
) {
  try {
    if (mode === "replica") {
      await dst.execute(sql`set local session_replication_role = replica`);
      return;
    }
    for (const table of tables) {
      await dst.execute(sql.raw(`alter table ${qualified(table.name)} disable trigger user`));
    }
  } catch (err) {
    // Owning the database is not owning its tables: someone else may have migrated it.
    if (pgErrorOf(err)?.code === "42501") throw new ExportRefusedError(refusal(), { cause: err });
    throw err;
  }
}

async function switchTriggersOn(dst: DbOrTx, tables: TableInfo[]) {
  for (const table of tables) {
    await dst.execute(sql.raw(`alter table ${qualified(table.name)} enable trigger user`));
  }
}

/** Page ranges of `t` covering the whole table; the last is open-ended in case it grew. */
function blockRanges(blocks: number): string[] {
  const ranges: string[] = [];
  for (let start = 0; ; start += CHUNK_BLOCKS) {
    const from = `t.ctid >= '(${start},0)'::tid`;
    if (start + CHUNK_BLOCKS >= blocks) {
      ranges.push(from);
      return ranges;
    }
    ranges.push(`${from} and t.ctid < '(${start + CHUNK_BLOCKS},0)'::tid`);
  }
}

type Chunk = { rows: number; data: string | null };

/**
 * Copies one table a page range at a time. The source prints each range as one array of row
 * literals (`array_agg(t)::text`); the target parses it back with the table's row type
 * (`unnest($1::t[])`), so every value goes through its type's own text form, exactly as COPY's
 * text format would. (postgres.js's COPY FROM STDIN never settles when the server rejects the
 * data — porsager/postgres#1173 — which would hang the export instead of rolling it back.) The
 * next range is read while the current one is inserted.
 */
async function copyTable(
  src: DbOrTx,
  dst: DbOrTx,
  table: TableInfo,
  log: (line: string) => void,
): Promise<number> {
  const started = performance.now();
  const name = qualified(table.name);
  const read = async (range: string): Promise<Chunk> => {
    const [row] = await queryRows<{ rows: string; data: string | null }>(
      src,
      sql.raw(`select count(*)::text as rows, array_agg(t.*)::text as data
               from ${name} as t where ${range}`),
    );
    return { rows: Number(row?.rows ?? 0), data: row?.data ?? null };
  };
  const columns = sql.join(
    table.insertable.map((c) => sql.identifier(c)),
    sql`, `,
  );
  const insert = (data: string) =>
    dst.execute(sql`insert into ${sql.raw(name)} (${columns}) overriding system value
                    select ${columns} from unnest(${data}::${sql.raw(name)}[])`);

  const ranges = blockRanges(table.blocks);
  let rows = 0;
  let lastProgress = started;
  let next: Promise<Chunk> | undefined = read(ranges[0]!);
  try {
    for (let i = 0; next; i++) {
      const chunk: Chunk = await next;
      next = i + 1 < ranges.length ? read(ranges[i + 1]!) : undefined;
      if (chunk.data === null) continue;
      await insert(chunk.data).catch((err: unknown) => {
        // Drizzle's message would quote the whole chunk: keep only what the server said.
        const reason = pgErrorOf(err)?.message ?? (err as Error).message;
        throw new Error(`Copying ${table.name} failed: ${reason}`, { cause: err });
      });
      rows += chunk.rows;
      if (next && performance.now() - lastProgress > PROGRESS_EVERY_MS) {
        lastProgress = performance.now();
        log(`${table.name}: ${rowCount(rows)} so far`);
      }
    }
  } finally {
    // A failed insert leaves the read ahead pending: its outcome no longer matters.
    next?.catch(() => {});
  }
  log(`${table.name}: ${rowCount(rows)} (${secondsSince(started)} s)`);
  return rows;
}

async function verifyCounts(dst: DbOrTx, copied: Copied["tables"]) {
  for (const { name, rows } of copied) {
    const found = await countRows(dst, name);
    if (found !== rows) {
      throw new Error(
        `Check failed: ${name} has ${found} rows in the target, ${rows} in the source.`,
      );
    }
  }
}

/** The last entry of the audit log, compared whole: the one record an export must not get wrong. */
async function verifyNewestAuditEntry(
  src: DbOrTx,
  dst: DbOrTx,
  tables: TableInfo[],
): Promise<number | null> {
  if (!tables.some((t) => t.name === "audit_log")) return null;
  const newest = async (db: DbOrTx) => {
    const [row] = await queryRows<{ id: string; entry: string }>(
      db,
      sql`select id::text as id, newest_entry::text as entry
          from audit_log as newest_entry order by newest_entry.id desc limit 1`,
    );
    return row;
  };
  const [want, got] = [await newest(src), await newest(dst)];
  if (want?.id !== got?.id || want?.entry !== got?.entry) {
    throw new Error(
      `Check failed: the newest audit entry differs.\n  source: ${want?.entry ?? "none"}\n` +
        `  target: ${got?.entry ?? "none"}`,
    );
  }
  return want ? Number(want.id) : null;
}

/**
 * Fresh statistics, so the audit page's first queries on the target get the plans they need.
 * The data is committed by now: a failure here is worth a line, not a failed export.
 */
async function analyze(db: DbOrTx, tables: Copied["tables"], log: (line: string) => void) {
  const started = performance.now();
  try {
    for (const table of tables) {
      if (table.rows > 0) await db.execute(sql.raw(`analyze ${qualified(table.name)}`));
    }
    log(`Analyzed the copied tables (${secondsSince(started)} s)`);
  } catch (err) {
    const reason = pgErrorOf(err)?.message ?? (err as Error).message;
    log(`Could not analyze the copied tables (${reason}); autovacuum will in time`);
  }
}

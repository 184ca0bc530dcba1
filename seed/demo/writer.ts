/**
 * Row writes of the seed, each through the audited-mutation core (the database refuses any
 * other write to an audited table). Timestamps and versions follow the back-dated actor, so a
 * record's created/updated times agree with its history.
 */
import { eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import type { AuditAction } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import {
  auditedMutation,
  recordAuditEvent,
  type AuditEvent,
  type AuditLinks,
} from "@/lib/audit/core";
import { AUDITED_TABLES, type AuditedTableName } from "@/lib/audit/tables";

type TableOf<T extends AuditedTableName> = (typeof AUDITED_TABLES)[T]["table"];
export type RowOf<T extends AuditedTableName> = TableOf<T>["$inferSelect"];
export type InsertOf<T extends AuditedTableName> = TableOf<T>["$inferInsert"];
export type Patch<T extends AuditedTableName> = {
  [K in keyof InsertOf<T>]?: InsertOf<T>[K] | SQL;
};

export type WriteOptions<T extends AuditedTableName> = {
  action?: AuditAction;
  message?: (before: RowOf<T> | null, after: RowOf<T> | null) => string;
  links?: AuditLinks;
  /** False for bookkeeping writes (a sign-in's last-login time) that are not edits. */
  touch?: boolean;
};

/** Told about every row written, so the seed can replay states (e.g. which IPs an ingress had). */
export type ChangeListener = (
  table: AuditedTableName,
  id: number | string,
  at: number,
  row: Record<string, unknown> | null,
) => void;

type Pk = number | string;

/** Catches a step planned against a record whose creating step has not run yet. */
function requireId(table: AuditedTableName, id: Pk | undefined): Pk {
  if (id === undefined || id === 0) throw new Error(`seed: ${table} record used before it exists`);
  return id;
}

function timeOf(actor: ActorContext): Date {
  if (!actor.at) throw new Error("seed writes are back-dated: the actor needs `at`");
  return actor.at;
}

export class AuditedWriter {
  constructor(
    readonly db: DbOrTx,
    private readonly onChange: ChangeListener = () => {},
  ) {}

  async create<T extends AuditedTableName>(
    actor: ActorContext,
    table: T,
    values: InsertOf<T>,
    options: WriteOptions<T> = {},
  ): Promise<RowOf<T>> {
    const def = AUDITED_TABLES[table];
    const at = timeOf(actor);
    const columns = getTableColumns(def.table);
    const stamped: Record<string, unknown> = { ...values };
    for (const column of ["createdAt", "updatedAt"]) {
      if (column in columns && stamped[column] === undefined) stamped[column] = at;
    }
    const { after } = await auditedMutation(this.db, actor, {
      table,
      action: options.action ?? "CREATE",
      change: async (tx) => {
        // The core's table map is a union of tables; this insert is the same for every member.
        const [row] = await tx
          .insert(def.table as PgTable)
          .values(stamped)
          .returning({ pk: def.pk });
        return row!.pk;
      },
      message: options.message,
      links: options.links,
    });
    const row = after as RowOf<T>;
    this.onChange(table, (row as Record<string, unknown>)[pkName(table)] as Pk, at.getTime(), row);
    return row;
  }

  async update<T extends AuditedTableName>(
    actor: ActorContext,
    table: T,
    id: Pk,
    patch: Patch<T> | ((before: RowOf<T>) => Patch<T>),
    options: WriteOptions<T> = {},
  ): Promise<RowOf<T>> {
    const def = AUDITED_TABLES[table];
    const at = timeOf(actor);
    const columns: Record<string, AnyPgColumn> = getTableColumns(def.table);
    const { after } = await auditedMutation(this.db, actor, {
      table,
      action: options.action ?? "UPDATE",
      id: requireId(table, id),
      change: async (tx, before) => {
        const values: Record<string, unknown> = {
          ...(typeof patch === "function" ? patch(before!) : patch),
        };
        if (options.touch !== false) {
          // Edits bump the optimistic-concurrency version, as the app's own updates do.
          if (columns.updatedAt) values.updatedAt = at;
          if (columns.version) values.version = sql`${columns.version} + 1`;
        }
        await tx.update(def.table).set(values).where(eq(def.pk, id));
      },
      message: options.message,
      links: options.links,
    });
    this.onChange(table, id, at.getTime(), after);
    return after as RowOf<T>;
  }

  async delete<T extends AuditedTableName>(
    actor: ActorContext,
    table: T,
    id: Pk,
    options: WriteOptions<T> = {},
  ): Promise<RowOf<T>> {
    const def = AUDITED_TABLES[table];
    const { before } = await auditedMutation(this.db, actor, {
      table,
      action: options.action ?? "DELETE",
      id: requireId(table, id),
      change: async (tx) => {
        await tx.delete(def.table).where(eq(def.pk, id));
      },
      message: options.message,
      links: options.links,
    });
    this.onChange(table, id, timeOf(actor).getTime(), null);
    return before as RowOf<T>;
  }

  /** An entry for something that changed no audited row: a failed sign-in, an export. */
  event(actor: ActorContext, event: AuditEvent): Promise<number> {
    timeOf(actor);
    return recordAuditEvent(this.db, actor, event);
  }
}

function pkName(table: AuditedTableName): string {
  const def = AUDITED_TABLES[table];
  const entry = Object.entries(getTableColumns(def.table)).find(([, c]) => c === def.pk);
  return entry?.[0] ?? "id";
}

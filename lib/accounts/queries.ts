import { and, asc, desc, eq, gt, ilike, inArray, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { escapeLike } from "@/lib/audit/queries/audit-criteria";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, accounts, auditLog, ingressRoutes } from "@/db/schema";

const ACCOUNTS_PAGE_SIZE = 50;

export type AccountListFilters = {
  q?: string;
  type?: (typeof ACCOUNT_TYPES)[number];
  status?: (typeof ACCOUNT_STATUSES)[number];
  /** This account only: a portal caller's own (the REST API). */
  id?: number;
  /** Keyset cursor: the last id of the previous page. */
  after?: number;
};

const pick = <T extends string>(list: readonly T[], v: unknown): T | undefined =>
  typeof v === "string" && (list as readonly string[]).includes(v) ? (v as T) : undefined;

/** Reads the list's state from the URL; anything malformed is ignored rather than an error. */
export function accountListFilters(
  raw: Record<string, string | string[] | undefined>,
): AccountListFilters {
  const one = (k: string) => (typeof raw[k] === "string" ? raw[k] : undefined);
  const after = Number(one("after"));
  return {
    q: one("q")?.trim() || undefined,
    type: pick(ACCOUNT_TYPES, one("type")),
    status: pick(ACCOUNT_STATUSES, one("status")),
    after: Number.isSafeInteger(after) && after > 0 ? after : undefined,
  };
}

/** One page of accounts by ascending id (keyset), plus the cursor of the next page. */
export async function listAccounts(db: DbOrTx, filters: AccountListFilters) {
  const conditions: (SQL | undefined)[] = [];
  if (filters.q) {
    const asId = /^\d{1,15}$/.test(filters.q) ? Number(filters.q) : null;
    conditions.push(
      or(
        ilike(accounts.name, `%${escapeLike(filters.q)}%`),
        asId === null ? undefined : eq(accounts.id, asId),
      ),
    );
  }
  if (filters.type) conditions.push(eq(accounts.type, filters.type));
  if (filters.status) conditions.push(eq(accounts.status, filters.status));
  if (filters.id) conditions.push(eq(accounts.id, filters.id));
  if (filters.after) conditions.push(gt(accounts.id, filters.after));
  // Whole rows: the REST API answers with the same page (the list page shows a few columns).
  const rows = await db
    .select()
    .from(accounts)
    .where(and(...conditions))
    .orderBy(asc(accounts.id))
    .limit(ACCOUNTS_PAGE_SIZE + 1);
  const more = rows.length > ACCOUNTS_PAGE_SIZE;
  const page = more ? rows.slice(0, ACCOUNTS_PAGE_SIZE) : rows;
  return { rows: page, nextAfter: more ? page[page.length - 1]!.id : null };
}

export async function findAccount(db: DbOrTx, id: number) {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row ?? null;
}

export async function listIngressRoutes(db: DbOrTx, accountId: number) {
  return db
    .select()
    .from(ingressRoutes)
    .where(eq(ingressRoutes.accountId, accountId))
    .orderBy(asc(ingressRoutes.id));
}

export async function findIngressRoute(db: DbOrTx, id: number) {
  const [row] = await db.select().from(ingressRoutes).where(eq(ingressRoutes.id, id));
  return row ?? null;
}

export type AccountRow = typeof accounts.$inferSelect;

/** The Details form's values as strings, as the form fields (and a stale reload) need them. */
export function accountFormValues(row: Pick<AccountRow, keyof AccountRow>): Record<string, string> {
  return {
    id: String(row.id),
    version: String(row.version),
    name: row.name,
    currency: row.currency,
    creditLimit: row.creditLimit,
    channels: String(row.channels),
    cps: String(row.cps),
    billingEmail: row.billingEmail ?? "",
    country: row.country ?? "",
    notesPublic: row.notesPublic ?? "",
    notesPrivate: row.notesPrivate ?? "",
  };
}

/** A record's UPDATE entries, newest first: what the History tab offers to restore. */
export async function restorableEntries(
  db: DbOrTx,
  table: "accounts" | "ingress_routes",
  recordPk: number,
) {
  return db
    .select({ id: auditLog.id, occurredAt: auditLog.occurredAt, message: auditLog.message })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tableName, table),
        eq(auditLog.recordPk, String(recordPk)),
        inArray(auditLog.action, ["UPDATE", "PUT"]),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(50);
}

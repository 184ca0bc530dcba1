import { and, asc, desc, eq, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { matchesText } from "@/lib/search/like";
import {
  ACCOUNT_STATUSES,
  ACCOUNT_TYPES,
  accounts,
  auditLog,
  ingressRoutes,
  type UserRole,
} from "@/db/schema";

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

/** What the accounts list page shows. */
const LIST_COLUMNS = {
  id: accounts.id,
  name: accounts.name,
  type: accounts.type,
  status: accounts.status,
  currency: accounts.currency,
  creditLimit: accounts.creditLimit,
  channels: accounts.channels,
  cps: accounts.cps,
};

/**
 * An account's columns as `viewer` may read them, for the REST API: the balance only with
 * accounts:read-balance (a portal user's only when theirs is a customer account: a carrier's is
 * the operator's figure), the private notes only with accounts:read-private, and never a
 * carrier's portal credentials. What a viewer may not read is selected as null, never fetched.
 */
function readableAccountColumns(viewer: { role: UserRole; accountId: number | null }) {
  const nothing = sql<string | null>`null`;
  const balance = !can(viewer.role, "accounts:read-balance")
    ? nothing
    : viewer.accountId === null
      ? sql<string | null>`${accounts.balance}::text`
      : sql<
          string | null
        >`case when ${accounts.type} = 'customer' then ${accounts.balance}::text end`;
  return {
    id: accounts.id,
    type: accounts.type,
    name: accounts.name,
    status: accounts.status,
    currency: accounts.currency,
    balance,
    creditLimit: accounts.creditLimit,
    channels: accounts.channels,
    cps: accounts.cps,
    billingEmail: accounts.billingEmail,
    country: accounts.country,
    notesPublic: accounts.notesPublic,
    notesPrivate: can(viewer.role, "accounts:read-private") ? accounts.notesPrivate : nothing,
    version: accounts.version,
    createdAt: accounts.createdAt,
    updatedAt: accounts.updatedAt,
  };
}

/** One account, with only what `viewer` may read (readableAccountColumns). */
export async function findReadableAccount(
  db: DbOrTx,
  id: number,
  viewer: { role: UserRole; accountId: number | null },
) {
  const [row] = await db
    .select(readableAccountColumns(viewer))
    .from(accounts)
    .where(eq(accounts.id, id));
  return row ?? null;
}

function listConditions(filters: AccountListFilters): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filters.q) {
    const asId = /^\d{1,15}$/.test(filters.q) ? Number(filters.q) : null;
    conditions.push(
      or(
        matchesText(accounts.name, filters.q, "contains"),
        asId === null ? undefined : eq(accounts.id, asId),
      ),
    );
  }
  if (filters.type) conditions.push(eq(accounts.type, filters.type));
  if (filters.status) conditions.push(eq(accounts.status, filters.status));
  if (filters.id) conditions.push(eq(accounts.id, filters.id));
  if (filters.after) conditions.push(gt(accounts.id, filters.after));
  return and(...conditions);
}

/** A page from one row past it (`ACCOUNTS_PAGE_SIZE + 1` read), and the next page's cursor. */
function keysetPage<R extends { id: number }>(rows: R[]) {
  const more = rows.length > ACCOUNTS_PAGE_SIZE;
  const page = more ? rows.slice(0, ACCOUNTS_PAGE_SIZE) : rows;
  return { rows: page, nextAfter: more ? page[page.length - 1]!.id : null };
}

/** One page of accounts by ascending id (keyset), as the list page shows them. */
export async function listAccounts(db: DbOrTx, filters: AccountListFilters) {
  return keysetPage(
    await db
      .select(LIST_COLUMNS)
      .from(accounts)
      .where(listConditions(filters))
      .orderBy(asc(accounts.id))
      .limit(ACCOUNTS_PAGE_SIZE + 1),
  );
}

/** The same page with what `viewer` may read of each account (readableAccountColumns). */
export async function listReadableAccounts(
  db: DbOrTx,
  filters: AccountListFilters,
  viewer: { role: UserRole; accountId: number | null },
) {
  return keysetPage(
    await db
      .select(readableAccountColumns(viewer))
      .from(accounts)
      .where(listConditions(filters))
      .orderBy(asc(accounts.id))
      .limit(ACCOUNTS_PAGE_SIZE + 1),
  );
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

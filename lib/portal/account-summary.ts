import { and, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, cdrs } from "@/db/schema";

/**
 * What the portal's home shows of an account: public fields only. A carrier's balance is the
 * operator's internal figure (DOMAIN.md): it is read only for customer accounts.
 */
export async function findAccountSummary(db: DbOrTx, accountId: number) {
  const [row] = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      type: accounts.type,
      status: accounts.status,
      currency: accounts.currency,
      balance: sql<
        string | null
      >`case when ${accounts.type} = 'customer' then ${accounts.balance}::text end`,
      creditLimit: accounts.creditLimit,
      channels: accounts.channels,
      cps: accounts.cps,
      notesPublic: accounts.notesPublic,
    })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row ?? null;
}

/** Today's (UTC) traffic of a customer (calls it sent) or a carrier (calls it terminated). */
export async function findTodayTraffic(
  db: DbOrTx,
  accountId: number,
  type: "customer" | "carrier",
) {
  const owner = type === "customer" ? cdrs.customerId : cdrs.carrierId;
  const [row] = await db
    .select({
      attempts: sql<number>`count(*)::int`,
      connected: sql<number>`count(*) filter (where ${cdrs.duration} > 0)::int`,
      minutes: sql<string>`coalesce(round(sum(${cdrs.duration}) / 60, 1), 0)::text`,
    })
    .from(cdrs)
    .where(
      and(
        eq(owner, accountId),
        gte(cdrs.dt, sql`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`),
      ),
    );
  return row ?? { attempts: 0, connected: 0, minutes: "0" };
}

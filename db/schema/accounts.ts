import { sql } from "drizzle-orm";
import {
  bigint,
  char,
  check,
  index,
  integer,
  numeric,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { timestamps, version } from "./columns";
import { accountStatus, accountType } from "./enums";

/** Customers (buy calls) and carriers (sell termination) share one table, told apart by `type`. */
export const accounts = pgTable(
  "accounts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity({ startWith: 1001 }),
    type: accountType().notNull(),
    name: text().notNull(),
    status: accountStatus().notNull().default("active"),
    currency: char({ length: 3 }).notNull().default("USD"),
    balance: numeric({ precision: 14, scale: 4 }).notNull().default("0"),
    creditLimit: numeric({ precision: 14, scale: 2 }).notNull().default("0"),
    channels: integer().notNull().default(0),
    cps: integer().notNull().default(0),
    dailySpendLimit: numeric({ precision: 14, scale: 2 }),
    taxPct: numeric({ precision: 5, scale: 2 }).notNull().default("0"),
    billingEmail: text(),
    address: text(),
    country: char({ length: 2 }),
    accountManagerUserId: bigint({ mode: "number" }),
    notesPublic: text(),
    notesPrivate: text(),
    // A carrier's own web portal, used by staff to check their side: the password is a secret.
    carrierPortalUrl: text(),
    carrierPortalUsername: text(),
    carrierPortalPassword: text(),
    ...version,
    ...timestamps,
  },
  (t) => [
    uniqueIndex("accounts_name_key").on(sql`lower(${t.name})`),
    // accounts list filtered by type/status, newest first
    index("accounts_type_status_idx").on(t.type, t.status, t.id),
    check("accounts_channels_nonneg", sql`${t.channels} >= 0 and ${t.cps} >= 0`),
    check("accounts_credit_limit_nonneg", sql`${t.creditLimit} >= 0`),
  ],
);

import { sql } from "drizzle-orm";
import { bigint, check, cidr, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps, version } from "./columns";
import { ingressStatus } from "./enums";

/** A customer's SIP trunk into the switch; its id is the "Ingress ID" people search the audit log by. */
export const ingressRoutes = pgTable(
  "ingress_routes",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity({ startWith: 10001 }),
    accountId: bigint({ mode: "number" })
      .notNull()
      .references(() => accounts.id, { onDelete: "restrict" }),
    name: text().notNull(),
    techPrefix: text().notNull().default(""),
    allowedIps: cidr()
      .array()
      .notNull()
      .default(sql`'{}'::cidr[]`),
    channels: integer().notNull().default(0),
    cps: integer().notNull().default(0),
    maxDurationS: integer().notNull().default(7200),
    status: ingressStatus().notNull().default("active"),
    notes: text(),
    ...version,
    ...timestamps,
  },
  (t) => [
    // ingress routes of one account
    index("ingress_routes_account_idx").on(t.accountId),
    check(
      "ingress_limits_nonneg",
      sql`${t.channels} >= 0 and ${t.cps} >= 0 and ${t.maxDurationS} > 0`,
    ),
  ],
);

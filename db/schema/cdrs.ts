import {
  bigint,
  boolean,
  char,
  date,
  index,
  inet,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/** Call detail records as the switch writes them: one row per attempt, connected or not. */
export const cdrs = pgTable(
  "cdrs",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    dt: timestamp({ withTimezone: true }).notNull(),
    answerTime: timestamp({ withTimezone: true }),
    endTime: timestamp({ withTimezone: true }),
    callid: text().notNull(),
    callidB: text(),
    direction: text().notNull().default("termination"),
    sourceCli: text(),
    sourceDestNumber: text().notNull(),
    destCli: text(),
    destNumber: text().notNull(),
    techPrefix: text(),
    customerId: bigint({ mode: "number" }).notNull(),
    ingressId: bigint({ mode: "number" }),
    customerCardId: bigint({ mode: "number" }),
    carrierId: bigint({ mode: "number" }),
    carrierCardId: bigint({ mode: "number" }),
    customerDestCode: text(),
    customerDestName: text(),
    customerRate: numeric({ precision: 12, scale: 6 }),
    customerConnectCost: numeric({ precision: 12, scale: 6 }),
    customerDuration: integer().notNull().default(0),
    customerCharge: numeric({ precision: 14, scale: 6 }).notNull().default("0"),
    customerCurrency: char({ length: 3 }).notNull().default("USD"),
    carrierDestCode: text(),
    carrierDestName: text(),
    carrierRate: numeric({ precision: 12, scale: 6 }),
    carrierConnectCost: numeric({ precision: 12, scale: 6 }),
    carrierDuration: integer().notNull().default(0),
    carrierCharge: numeric({ precision: 14, scale: 6 }).notNull().default("0"),
    carrierCurrency: char({ length: 3 }).notNull().default("USD"),
    /** customer_charge − carrier_charge in the customer's currency (the switch converts). */
    profit: numeric({ precision: 14, scale: 6 }),
    profitPct: numeric({ precision: 9, scale: 3 }),
    duration: numeric({ precision: 10, scale: 3 }).notNull().default("0"),
    ringDuration: numeric({ precision: 8, scale: 3 }).notNull().default("0"),
    pddIn: integer(),
    pddOut: integer(),
    sipCode: integer().notNull(),
    sipReason: text(),
    releaseReason: text(),
    sourceIp: inet(),
    destIp: inet(),
    codec: text(),
    userAgent: text(),
    transport: text(),
    mos: numeric({ precision: 3, scale: 2 }),
    jitter: numeric({ precision: 8, scale: 2 }),
    packetLoss: numeric({ precision: 5, scale: 2 }),
    dtmf: boolean().notNull().default(false),
    recordingCost: numeric({ precision: 12, scale: 6 }),
  },
  (t) => [
    // CDR pages always carry a date range; staff view across accounts
    index("cdrs_dt_idx").on(t.dt.desc(), t.id.desc()),
    // a customer's CDRs (portal and account filter)
    index("cdrs_customer_dt_idx").on(t.customerId, t.dt.desc(), t.id.desc()),
    // a carrier's CDRs (carrier portal and carrier filter)
    index("cdrs_carrier_dt_idx").on(t.carrierId, t.dt.desc(), t.id.desc()),
  ],
);

/** Daily roll-up of CDRs feeding the breakout report over long ranges. */
export const cdrDaily = pgTable(
  "cdr_daily",
  {
    day: date().notNull(),
    customerId: bigint({ mode: "number" }).notNull(),
    carrierId: bigint({ mode: "number" }).notNull().default(0),
    customerDestName: text().notNull().default(""),
    carrierDestName: text().notNull().default(""),
    customerCurrency: char({ length: 3 }).notNull(),
    carrierCurrency: char({ length: 3 }).notNull(),
    attempts: integer().notNull(),
    connected: integer().notNull(),
    shortCalls: integer().notNull(),
    durationS: numeric({ precision: 16, scale: 3 }).notNull(),
    customerDurationS: bigint({ mode: "number" }).notNull(),
    carrierDurationS: bigint({ mode: "number" }).notNull(),
    customerCharge: numeric({ precision: 18, scale: 6 }).notNull(),
    carrierCharge: numeric({ precision: 18, scale: 6 }).notNull(),
    /** In the customer's currency, like customer_charge: cost there is revenue − profit. */
    profit: numeric({ precision: 18, scale: 6 }).notNull().default("0"),
    /** Post-dial delay of the customer leg (pdd_in). */
    pddSumMs: bigint({ mode: "number" }).notNull(),
    pddCount: integer().notNull(),
    /** Post-dial delay of the carrier leg (pdd_out). */
    pddOutSumMs: bigint({ mode: "number" }).notNull().default(0),
    pddOutCount: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({
      columns: [
        t.day,
        t.customerId,
        t.carrierId,
        t.customerDestName,
        t.carrierDestName,
        t.customerCurrency,
        t.carrierCurrency,
      ],
    }),
    // breakout report of one carrier over a date range
    index("cdr_daily_carrier_idx").on(t.carrierId, t.day),
    // breakout report of one customer (portal, or the staff filter) over a date range
    index("cdr_daily_customer_idx").on(t.customerId, t.day),
  ],
);

/**
 * The same sums per day, breakout and currency only: what the report over all accounts grouped by
 * breakout (its default) reads — an order of magnitude fewer rows than cdr_daily, which keeps
 * customer, carrier and the carrier's destination. Kept by the same ingest statement.
 */
export const cdrDailyBreakout = pgTable(
  "cdr_daily_breakout",
  {
    day: date().notNull(),
    customerDestName: text().notNull(),
    customerCurrency: char({ length: 3 }).notNull(),
    attempts: integer().notNull(),
    connected: integer().notNull(),
    shortCalls: integer().notNull(),
    durationS: numeric({ precision: 16, scale: 3 }).notNull(),
    customerDurationS: bigint({ mode: "number" }).notNull(),
    carrierDurationS: bigint({ mode: "number" }).notNull(),
    customerCharge: numeric({ precision: 18, scale: 6 }).notNull(),
    profit: numeric({ precision: 18, scale: 6 }).notNull(),
    pddSumMs: bigint({ mode: "number" }).notNull(),
    pddCount: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.customerDestName, t.customerCurrency] })],
);

import { bigint, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { emailStatus } from "./enums";

/** Every email the product sends; delivered by SMTP when configured, readable in the Control Panel. */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    kind: text().notNull(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    bodyText: text().notNull(),
    userId: bigint({ mode: "number" }),
    accountId: bigint({ mode: "number" }),
    status: emailStatus().notNull().default("queued"),
    error: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // outbox page, newest first
    index("email_outbox_created_idx").on(t.createdAt.desc()),
  ],
);

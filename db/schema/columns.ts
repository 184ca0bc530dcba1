import { integer, timestamp } from "drizzle-orm/pg-core";

/** Timestamps every mutable record carries; `version` drives optimistic concurrency on edits. */
export const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const version = {
  version: integer().notNull().default(1),
};

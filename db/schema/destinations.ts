import { bigint, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps, version } from "./columns";

/** Breakouts: a destination named by its longest matching number prefix. */
export const destinations = pgTable(
  "destinations",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    prefix: text().notNull(),
    name: text().notNull(),
    country: text().notNull(),
    ...version,
    ...timestamps,
  },
  (t) => [
    // longest-prefix match when rating a number
    uniqueIndex("destinations_prefix_key").on(t.prefix),
  ],
);

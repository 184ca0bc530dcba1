import { bigint, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";
import { apiKeyScope } from "./enums";

/** REST API keys: only a hash of the secret is kept; the prefix identifies the key in lists. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    name: text().notNull(),
    prefix: text().notNull(),
    secretHash: text().notNull(),
    scope: apiKeyScope().notNull().default("read"),
    ownerUserId: bigint({ mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // bearer-token lookup by prefix
    uniqueIndex("api_keys_prefix_key").on(t.prefix),
    index("api_keys_owner_idx").on(t.ownerUserId),
  ],
);

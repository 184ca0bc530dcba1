import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
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
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // bearer-token lookup by prefix
    uniqueIndex("api_keys_prefix_key").on(t.prefix),
    index("api_keys_owner_idx").on(t.ownerUserId),
  ],
);

/**
 * When and from where each key was last used. Kept out of `api_keys` (an audited table) so that
 * using a key is not a change; written at most once a minute per key.
 */
export const apiKeyUsage = pgTable("api_key_usage", {
  keyId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => apiKeys.id, { onDelete: "cascade" }),
  lastUsedAt: timestamp({ withTimezone: true }).notNull(),
  lastIp: text(),
});

/**
 * The first response to each `Idempotency-Key` a key sent with a POST, for a day: a retry gets
 * it again instead of a second change. `status` null while the first request is still running.
 */
export const apiIdempotency = pgTable(
  "api_idempotency",
  {
    keyId: bigint({ mode: "number" })
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    idempotencyKey: text().notNull(),
    /** Method, path and a hash of the body: the same key with another request is refused. */
    fingerprint: text().notNull(),
    status: integer(),
    headers: jsonb().$type<Record<string, string>>(),
    body: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.idempotencyKey] }),
    index("api_idempotency_created_idx").on(t.createdAt),
  ],
);

/** Request counters of the per-key rate limit (rate-limiter-flexible's Drizzle store). */
export const apiRateLimits = pgTable("api_rate_limits", {
  key: text().primaryKey(),
  points: integer().notNull(),
  expire: timestamp({ withTimezone: true }),
});

import { sql } from "drizzle-orm";
import { bigint, check, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts";
import { timestamps, version } from "./columns";
import { accountType, userRole, visibilitySurface } from "./enums";
import { users } from "./users";

/**
 * Which CDR fields an account gets: a default per account type (`fields`, in display order), and
 * optional per-account overrides that add or remove fields relative to that default, so a change
 * of the default still reaches an account with an override. Labels rename fields for the portal.
 */
export const cdrFieldSettings = pgTable(
  "cdr_field_settings",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    accountType: accountType(),
    accountId: bigint({ mode: "number" }).references(() => accounts.id, { onDelete: "cascade" }),
    /** The audience default: the fields shown, in order. Null on an account override. */
    fields: text().array(),
    /** Account override: fields added to / removed from the default. */
    added: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    removed: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Field key → label shown instead of the catalogue's. */
    labels: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Account override: these fields first, in this order, then the rest in the default's order. */
    fieldOrder: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ...version,
    ...timestamps,
  },
  (t) => [
    uniqueIndex("cdr_field_settings_type_key")
      .on(t.accountType)
      .where(sql`${t.accountId} is null`),
    uniqueIndex("cdr_field_settings_account_key").on(t.accountId),
    check(
      "cdr_field_settings_one_scope",
      sql`(${t.accountType} is null) <> (${t.accountId} is null)`,
    ),
    check(
      "cdr_field_settings_default_has_fields",
      sql`(${t.accountType} is null) or (${t.fields} is not null)`,
    ),
  ],
);

/**
 * Permission layer of column visibility: the columns a role (or one user, overriding the role)
 * may see on a surface. A user's own hidden-column preference lives in column_preferences.
 */
export const columnPermissions = pgTable(
  "column_permissions",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    surface: visibilitySurface().notNull(),
    role: userRole(),
    userId: bigint({ mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
    columns: text().array().notNull(),
    ...version,
    ...timestamps,
  },
  (t) => [
    uniqueIndex("column_permissions_role_key")
      .on(t.surface, t.role)
      .where(sql`${t.userId} is null`),
    uniqueIndex("column_permissions_user_key").on(t.surface, t.userId),
    check("column_permissions_one_subject", sql`(${t.role} is null) <> (${t.userId} is null)`),
  ],
);

/** Preference layer: columns a user hides for themselves (never reveals a forbidden one). */
export const columnPreferences = pgTable(
  "column_preferences",
  {
    userId: bigint({ mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    surface: visibilitySurface().notNull(),
    hiddenColumns: text().array().notNull(),
  },
  (t) => [uniqueIndex("column_preferences_key").on(t.userId, t.surface)],
);

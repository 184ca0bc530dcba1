import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Permission } from "@/lib/auth/permissions";
import {
  accounts,
  apiKeys,
  appSettings,
  auditStreamDestinations,
  brandingAssets,
  brandingVersions,
  cdrFieldSettings,
  columnPermissions,
  destinations,
  emailOutbox,
  ingressRoutes,
  portalBranding,
  users,
  watches,
} from "@/db/schema";
import type { AUDITED_TABLE_NAME_LIST } from "./table-names";

type Row = Record<string, unknown>;

/** Fields only a viewer whose role has `visibleWith` sees in entries (values and names). */
type MaskRule = { fields: readonly string[]; visibleWith: Permission };

/** How the audit core treats one audited table: its key, secrets, owner account and wording. */
export type AuditedTableDef = {
  table: PgTable;
  /** The primary-key column the core reads rows by. */
  pk: AnyPgColumn;
  /** The noun used in messages ("account", "ingress route"). */
  noun: (row: Row) => string;
  /** How a record is named in messages: "Acme Telecom (1042)". */
  name: (row: Row) => string;
  /** Fields replaced by a marker before the entry is written. */
  secretFields: readonly string[];
  /** Fields whose values never appear in messages (still in Data, where masking applies). */
  quietFields: readonly string[];
  /**
   * Business data shown in Data only to some roles (masked for the rest). The message builder
   * reads the same list, so a masked value can never reach anyone through a message.
   */
  maskedFields?: readonly MaskRule[];
  accountId: (row: Row) => number | null;
  ingressId?: (row: Row) => number | null;
  relatedIds?: (row: Row) => string[];
};

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const named = (field: string) => (row: Row) => `${String(row[field])} (${String(row.id)})`;

export const AUDITED_TABLES = {
  accounts: {
    table: accounts,
    pk: accounts.id,
    noun: (row) => String(row.type ?? "account"),
    name: named("name"),
    secretFields: ["carrierPortalPassword"],
    quietFields: [],
    maskedFields: [
      // Internal notes, a carrier's own portal credentials and who manages the account are for
      // the operator's staff only.
      {
        fields: [
          "notesPrivate",
          "carrierPortalUrl",
          "carrierPortalUsername",
          "carrierPortalPassword",
          "accountManagerUserId",
        ],
        visibleWith: "accounts:read-private",
      },
      // A carrier's balance is internal; a customer sees its own.
      { fields: ["balance"], visibleWith: "accounts:read-balance" },
    ],
    accountId: (row) => num(row.id),
  },
  users: {
    table: users,
    pk: users.id,
    noun: (row) => (row.accountId ? "portal user" : "user"),
    name: (row) => `${String(row.name)} <${String(row.email)}>`,
    secretFields: ["passwordHash", "passwordTokenHash", "totpSecret"],
    quietFields: [],
    accountId: (row) => num(row.accountId),
    relatedIds: (row) => [`user:${String(row.id)}`],
  },
  ingress_routes: {
    table: ingressRoutes,
    pk: ingressRoutes.id,
    noun: () => "ingress route",
    name: named("name"),
    secretFields: [],
    quietFields: [],
    accountId: (row) => num(row.accountId),
    ingressId: (row) => num(row.id),
  },
  api_keys: {
    table: apiKeys,
    pk: apiKeys.id,
    noun: () => "API key",
    name: (row) => `${String(row.name)} (${String(row.prefix)}…)`,
    secretFields: ["secretHash"],
    quietFields: [],
    accountId: () => null,
    relatedIds: (row) => [`api_key:${String(row.id)}`, `user:${String(row.ownerUserId)}`],
  },
  portal_branding: {
    table: portalBranding,
    pk: portalBranding.id,
    noun: () => "portal branding",
    name: (row) => String(row.portalName),
    secretFields: [],
    quietFields: ["customCss", "customJs", "footerHtml"],
    accountId: () => null,
  },
  branding_versions: {
    table: brandingVersions,
    pk: brandingVersions.id,
    noun: () => "portal branding version",
    name: (row) => `v${String(row.versionNo)}`,
    secretFields: [],
    quietFields: ["snapshot"],
    accountId: () => null,
  },
  branding_assets: {
    table: brandingAssets,
    pk: brandingAssets.id,
    noun: (row) => `branding ${String(row.kind)}`,
    name: (row) => `${String(row.sha256).slice(0, 12)} (${String(row.id)})`,
    secretFields: [],
    quietFields: ["bytes"],
    accountId: () => null,
  },
  cdr_field_settings: {
    table: cdrFieldSettings,
    pk: cdrFieldSettings.id,
    noun: () => "CDR field settings",
    name: (row) =>
      row.accountId ? `of account ${String(row.accountId)}` : `for ${String(row.accountType)}s`,
    secretFields: [],
    quietFields: [],
    accountId: (row) => num(row.accountId),
  },
  column_permissions: {
    table: columnPermissions,
    pk: columnPermissions.id,
    noun: () => "column permissions",
    name: (row) =>
      `${String(row.surface)} for ${row.userId ? `user ${String(row.userId)}` : `role ${String(row.role)}`}`,
    secretFields: [],
    quietFields: [],
    accountId: () => null,
    relatedIds: (row) => (row.userId ? [`user:${String(row.userId)}`] : []),
  },
  destinations: {
    table: destinations,
    pk: destinations.id,
    noun: () => "destination",
    name: (row) => `${String(row.name)} (${String(row.prefix)})`,
    secretFields: [],
    quietFields: [],
    accountId: () => null,
  },
  email_outbox: {
    table: emailOutbox,
    pk: emailOutbox.id,
    noun: (row) => String(row.kind).replaceAll("_", " ") + " email",
    name: (row) => `to ${String(row.toAddress)}`,
    // The body carries single-use links (invitation, password reset).
    secretFields: ["bodyText"],
    quietFields: [],
    accountId: (row) => num(row.accountId),
    relatedIds: (row) => (row.userId ? [`user:${String(row.userId)}`] : []),
  },
  app_settings: {
    table: appSettings,
    pk: appSettings.key,
    noun: () => "setting",
    name: (row) => String(row.key),
    secretFields: [],
    quietFields: [],
    accountId: () => null,
  },
  watches: {
    table: watches,
    pk: watches.id,
    noun: () => "watch",
    name: named("name"),
    // Signs the webhook's bodies: whoever holds it can forge notifications.
    secretFields: ["webhookSecret"],
    // A search may name values (an IP, a user) that some readers of the entry's message may not
    // see; the URL may carry a token in its path. In Data only.
    quietFields: ["query", "webhookUrl"],
    // A portal user's watch is in their account's log; staff watches in no account's.
    accountId: (row) => num(row.accountId),
    relatedIds: (row) => [`user:${String(row.ownerUserId)}`],
  },
  audit_stream_destinations: {
    table: auditStreamDestinations,
    pk: auditStreamDestinations.id,
    noun: () => "SIEM destination",
    name: (row) => `${String(row.name)} (${String(row.kind)})`,
    // Signs webhook requests: whoever holds it can forge them.
    secretFields: ["secret"],
    quietFields: [],
    accountId: () => null,
  },
} satisfies Record<string, AuditedTableDef>;

export type AuditedTableName = keyof typeof AUDITED_TABLES;
export const AUDITED_TABLE_NAMES = Object.keys(AUDITED_TABLES) as AuditedTableName[];

// The browser-safe list in table-names.ts must name exactly the registry's tables.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameTables: Same<AuditedTableName, (typeof AUDITED_TABLE_NAME_LIST)[number]> = true;
void _sameTables;

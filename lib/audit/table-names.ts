/**
 * Every table name an audit entry can carry, without importing the schema, so browser code (the
 * search box validates queries before sending them) can use it. lib/audit/tables.ts checks that
 * the audited ones match its registry.
 */
export const AUDITED_TABLE_NAME_LIST = [
  "accounts",
  "users",
  "ingress_routes",
  "api_keys",
  "portal_branding",
  "branding_versions",
  "branding_assets",
  "cdr_field_settings",
  "column_permissions",
  "destinations",
  "email_outbox",
  "app_settings",
  "watches",
  "audit_stream_destinations",
] as const;

/** Tables named in audit entries without being written through the core (events, bulk loads). */
export const AUDIT_EVENT_TABLES = ["cdrs", "audit_log"] as const;

export const AUDIT_TABLE_FILTER_VALUES: readonly string[] = [
  ...AUDITED_TABLE_NAME_LIST,
  ...AUDIT_EVENT_TABLES,
].sort();

export const BRANDING_TABLES: readonly string[] = [
  "portal_branding",
  "branding_versions",
  "branding_assets",
];

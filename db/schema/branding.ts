import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { timestamps, version } from "./columns";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

/** The editable draft of the Customer Portal's white-label branding (one row per portal). */
export const portalBranding = pgTable("portal_branding", {
  id: integer().primaryKey().default(1),
  portalName: text().notNull().default("Customer Portal"),
  logoAssetId: bigint({ mode: "number" }),
  faviconAssetId: bigint({ mode: "number" }),
  primaryColor: text().notNull().default("#1d4ed8"),
  accentColor: text().notNull().default("#0f766e"),
  customCss: text().notNull().default(""),
  customJs: text().notNull().default(""),
  footerHtml: text().notNull().default(""),
  supportEmail: text(),
  // Which portal sections portal users are offered and served (lib/portal/features.ts).
  showBalance: boolean().notNull().default(true),
  showCdrs: boolean().notNull().default(true),
  showBreakout: boolean().notNull().default(true),
  showAuditLog: boolean().notNull().default(true),
  showUsers: boolean().notNull().default(true),
  showContact: boolean().notNull().default(true),
  // The From of portal users' emails; null: the platform's configured sender (SMTP_FROM).
  emailSenderName: text(),
  emailSenderAddress: text(),
  ...version,
  ...timestamps,
});

/** Every published branding, kept whole so any two can be diffed and an old one restored. */
export const brandingVersions = pgTable(
  "branding_versions",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    brandingId: integer().notNull().default(1),
    versionNo: integer().notNull(),
    snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
    publishedByUserId: bigint({ mode: "number" }),
    publishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // versions list, newest first
    index("branding_versions_branding_idx").on(t.brandingId, t.versionNo),
  ],
);

/** Uploaded logo and favicon images, addressed by content hash for long-lived caching. */
export const brandingAssets = pgTable("branding_assets", {
  id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  kind: text().notNull(),
  contentType: text().notNull(),
  sha256: text().notNull(),
  bytes: bytea().notNull(),
  width: integer(),
  height: integer(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

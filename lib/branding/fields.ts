import { createHash } from "node:crypto";

/** The one portal's branding draft row (the schema allows more portals later). */
export const BRANDING_ID = 1;

/**
 * The branding a portal is rendered with: the draft's content fields, and what every published
 * version keeps (the draft minus its bookkeeping: id, version, timestamps).
 */
export const BRANDING_FIELDS = [
  "portalName",
  "logoAssetId",
  "faviconAssetId",
  "primaryColor",
  "accentColor",
  "customCss",
  "customJs",
  "footerHtml",
  "supportEmail",
  "showBalance",
  "showCdrs",
  "showBreakout",
  "showAuditLog",
  "showUsers",
  "showContact",
  "emailSenderName",
  "emailSenderAddress",
] as const;

export type BrandingField = (typeof BRANDING_FIELDS)[number];

/** The portal sections an operator can hide, each with the branding field that shows it. */
const PORTAL_FEATURE_FIELDS = {
  balance: "showBalance",
  cdrs: "showCdrs",
  breakout: "showBreakout",
  auditLog: "showAuditLog",
  users: "showUsers",
  contact: "showContact",
} as const satisfies Record<string, BrandingField>;
export type PortalFeature = keyof typeof PORTAL_FEATURE_FIELDS;
export type PortalSwitchField = (typeof PORTAL_FEATURE_FIELDS)[PortalFeature];
export const PORTAL_SWITCH_FIELDS = Object.values(PORTAL_FEATURE_FIELDS);
export type PortalFeatures = Record<PortalFeature, boolean>;

/** Which sections a branding shows, by section. */
export const featuresOf = (b: BrandingSnapshot): PortalFeatures =>
  Object.fromEntries(
    Object.entries(PORTAL_FEATURE_FIELDS).map(([feature, field]) => [feature, b[field]]),
  ) as PortalFeatures;

/** The sender a branding sets for portal users' mail, or null for the platform's. */
export type EmailSender = { name: string | null; address: string | null };
export const emailSenderOf = (b: BrandingSnapshot): EmailSender | null =>
  b.emailSenderName || b.emailSenderAddress
    ? { name: b.emailSenderName, address: b.emailSenderAddress }
    : null;

export type BrandingSnapshot = {
  portalName: string;
  logoAssetId: number | null;
  faviconAssetId: number | null;
  primaryColor: string;
  accentColor: string;
  customCss: string;
  customJs: string;
  footerHtml: string;
  supportEmail: string | null;
  showBalance: boolean;
  showCdrs: boolean;
  showBreakout: boolean;
  showAuditLog: boolean;
  showUsers: boolean;
  showContact: boolean;
  /** The From of portal users' emails; null: the platform's configured sender. */
  emailSenderName: string | null;
  emailSenderAddress: string | null;
};

/** What the portal shows before anything was ever published. */
export const DEFAULT_BRANDING: BrandingSnapshot = {
  portalName: "Customer Portal",
  logoAssetId: null,
  faviconAssetId: null,
  primaryColor: "#1d4ed8",
  accentColor: "#0f766e",
  customCss: "",
  customJs: "",
  footerHtml: "",
  supportEmail: null,
  showBalance: true,
  showCdrs: true,
  showBreakout: true,
  showAuditLog: true,
  showUsers: true,
  showContact: true,
  emailSenderName: null,
  emailSenderAddress: null,
};

/**
 * The content fields of a draft row or a stored snapshot, missing ones filled from defaults:
 * versions published before a field existed read as its default (every portal section shown).
 */
export function snapshotOf(row: Record<string, unknown>): BrandingSnapshot {
  const pick = <K extends BrandingField>(key: K): BrandingSnapshot[K] =>
    (row[key] ?? DEFAULT_BRANDING[key]) as BrandingSnapshot[K];
  return Object.fromEntries(BRANDING_FIELDS.map((f) => [f, pick(f)])) as BrandingSnapshot;
}

/** The fields whose values differ between two snapshots, in BRANDING_FIELDS order. */
export function changedBrandingFields(a: BrandingSnapshot, b: BrandingSnapshot): BrandingField[] {
  return BRANDING_FIELDS.filter((f) => a[f] !== b[f]);
}

/** Hex SHA-256: the name custom CSS/JS and uploaded images are served under. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

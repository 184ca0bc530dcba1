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
] as const;

export type BrandingField = (typeof BRANDING_FIELDS)[number];

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
};

/** The content fields of a draft row or a stored snapshot, missing ones filled from defaults. */
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

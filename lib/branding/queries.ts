import { desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { RecordNotFoundError } from "@/lib/audit/core";
import {
  BRANDING_ID,
  DEFAULT_BRANDING,
  PORTAL_SWITCH_FIELDS,
  snapshotOf,
  type BrandingSnapshot,
} from "./fields";
import { baseFieldName, DRAFT_FORM_FIELDS, type DraftFormField } from "./schemas";
import { brandingAssets, brandingVersions, portalBranding, users } from "@/db/schema";

/** Read functions for the branding draft, its published versions and its images. No auth here. */

export type BrandingDraft = typeof portalBranding.$inferSelect;
export type BrandingVersion = typeof brandingVersions.$inferSelect;

/** The draft row (id 1), or null on a database the bootstrap seed has not run on. */
export async function getDraft(db: DbOrTx): Promise<BrandingDraft | null> {
  const [row] = await db.select().from(portalBranding).where(eq(portalBranding.id, BRANDING_ID));
  return row ?? null;
}

/**
 * The draft row, locked for the rest of the transaction: what publishing and uploading take
 * first, so two of them queue up instead of racing (version numbers, duplicate images).
 */
export async function lockDraft(tx: Tx): Promise<BrandingDraft> {
  const [draft] = await tx
    .select()
    .from(portalBranding)
    .where(eq(portalBranding.id, BRANDING_ID))
    .for("update");
  if (!draft) throw new RecordNotFoundError("portal_branding", BRANDING_ID);
  return draft;
}

/** The published version the portal shows (highest version number), or null before the first. */
export async function latestPublished(db: DbOrTx): Promise<BrandingVersion | null> {
  const [row] = await db
    .select()
    .from(brandingVersions)
    .where(eq(brandingVersions.brandingId, BRANDING_ID))
    .orderBy(desc(brandingVersions.versionNo))
    .limit(1);
  return row ?? null;
}

/** The published branding's content (defaults before anything was published) and its number. */
export async function publishedSnapshot(
  db: DbOrTx,
): Promise<{ snapshot: BrandingSnapshot; versionNo: number | null }> {
  const published = await latestPublished(db);
  return published
    ? { snapshot: snapshotOf(published.snapshot), versionNo: published.versionNo }
    : { snapshot: DEFAULT_BRANDING, versionNo: null };
}

export type VersionListRow = BrandingVersion & { publisherName: string | null };

/** Every published version, newest first, with the publisher's name (null once unknown). */
export async function listVersions(db: DbOrTx): Promise<VersionListRow[]> {
  return db
    .select({
      id: brandingVersions.id,
      brandingId: brandingVersions.brandingId,
      versionNo: brandingVersions.versionNo,
      snapshot: brandingVersions.snapshot,
      publishedByUserId: brandingVersions.publishedByUserId,
      publishedAt: brandingVersions.publishedAt,
      publisherName: users.name,
    })
    .from(brandingVersions)
    .leftJoin(users, eq(users.id, brandingVersions.publishedByUserId))
    .where(eq(brandingVersions.brandingId, BRANDING_ID))
    .orderBy(desc(brandingVersions.versionNo));
}

export async function getVersion(db: DbOrTx, id: number): Promise<BrandingVersion | null> {
  if (!Number.isSafeInteger(id)) return null;
  const [row] = await db.select().from(brandingVersions).where(eq(brandingVersions.id, id));
  return row ?? null;
}

export type BrandingAssetInfo = {
  id: number;
  kind: string;
  contentType: string;
  sha256: string;
  width: number | null;
  height: number | null;
};

/** Images' metadata without their bytes (pages link to them by hash), by id; nulls skipped. */
export async function findAssetInfo(
  db: DbOrTx,
  ids: readonly (number | null)[],
): Promise<Map<number, BrandingAssetInfo>> {
  const wanted = ids.filter((id): id is number => id !== null);
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({
      id: brandingAssets.id,
      kind: brandingAssets.kind,
      contentType: brandingAssets.contentType,
      sha256: brandingAssets.sha256,
      width: brandingAssets.width,
      height: brandingAssets.height,
    })
    .from(brandingAssets)
    .where(inArray(brandingAssets.id, wanted));
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The draft form's values as strings, each twice: as shown, and as loaded (base_*), which the
 * save compares with what is stored then. Switches are "on" or "off" (lib/branding/schemas.ts).
 */
export function draftFormValues(row: BrandingDraft): Record<string, string> {
  const shown: Record<DraftFormField, string> = {
    portalName: row.portalName,
    primaryColor: row.primaryColor,
    accentColor: row.accentColor,
    supportEmail: row.supportEmail ?? "",
    footerHtml: row.footerHtml,
    customCss: row.customCss,
    customJs: row.customJs,
    emailSenderName: row.emailSenderName ?? "",
    emailSenderAddress: row.emailSenderAddress ?? "",
    ...(Object.fromEntries(PORTAL_SWITCH_FIELDS.map((f) => [f, row[f] ? "on" : "off"])) as Record<
      (typeof PORTAL_SWITCH_FIELDS)[number],
      string
    >),
  };
  return {
    ...shown,
    ...Object.fromEntries(DRAFT_FORM_FIELDS.map((f) => [baseFieldName(f), shown[f]])),
  };
}

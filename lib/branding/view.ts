import type { DbOrTx } from "@/db/client";
import { customCodeUrlFor } from "./code-url";
import { HEX_COLOR, readableTextOn } from "./colors";
import {
  DEFAULT_BRANDING,
  emailSenderOf,
  featuresOf,
  snapshotOf,
  type BrandingSnapshot,
  type EmailSender,
  type PortalFeatures,
} from "./fields";
import { findAssetInfo, getDraft, publishedSnapshot } from "./queries";
import { sanitizeFooterHtml } from "./sanitize";
import { imageUrl } from "./urls";

/** Everything the portal frame needs to render one branding, already made safe to output. */
export type BrandingView = {
  portalName: string;
  logoUrl: string | null;
  faviconUrl: string | null;
  /** CSS custom properties for the wrapper element (the Tailwind theme reads them). */
  cssVariables: Record<`--${string}`, string>;
  cssUrl: string | null;
  jsUrl: string | null;
  /** Sanitised again at render, whatever was stored. */
  footerHtml: string;
  supportEmail: string | null;
  /** The sections shown (the portal's nav; pages and actions ask lib/portal/features.ts). */
  features: PortalFeatures;
  /** The From of portal users' emails, or null for the platform's sender. */
  emailSender: EmailSender | null;
  /** The published version shown, or null for the draft (preview) or defaults. */
  versionNo: number | null;
};

/** The branding the portal shows: the latest published version, or defaults before any. */
export async function loadPublishedBranding(db: DbOrTx): Promise<BrandingView> {
  const { snapshot, versionNo } = await publishedSnapshot(db);
  return brandingView(db, snapshot, versionNo);
}

/** The draft as the portal would show it once published (the preview). */
export async function loadDraftBranding(db: DbOrTx): Promise<BrandingView> {
  const draft = await getDraft(db);
  return brandingView(db, draft ? snapshotOf(draft) : DEFAULT_BRANDING, null);
}

async function brandingView(
  db: DbOrTx,
  b: BrandingSnapshot,
  versionNo: number | null,
): Promise<BrandingView> {
  const assets = await findAssetInfo(db, [b.logoAssetId, b.faviconAssetId]);
  const urlOf = (id: number | null) => {
    const asset = id === null ? undefined : assets.get(id);
    return asset ? imageUrl(asset.sha256, asset.contentType) : null;
  };
  // Stored colours were validated on save; an old snapshot that is not still gets the default.
  const primary = HEX_COLOR.test(b.primaryColor) ? b.primaryColor : DEFAULT_BRANDING.primaryColor;
  const accent = HEX_COLOR.test(b.accentColor) ? b.accentColor : DEFAULT_BRANDING.accentColor;
  return {
    portalName: b.portalName,
    logoUrl: urlOf(b.logoAssetId),
    faviconUrl: urlOf(b.faviconAssetId),
    cssVariables: {
      "--brand-primary": primary,
      "--brand-primary-foreground": readableTextOn(primary),
      "--brand-accent": accent,
      "--brand-accent-foreground": readableTextOn(accent),
    },
    cssUrl: customCodeUrlFor("css", b.customCss),
    jsUrl: customCodeUrlFor("js", b.customJs),
    footerHtml: sanitizedFooter(b.footerHtml),
    supportEmail: b.supportEmail,
    features: featuresOf(b),
    emailSender: emailSenderOf(b),
    versionNo,
  };
}

// Every portal page shows the same published footer: sanitise it once per distinct text, not
// once per request.
let lastFooter: { raw: string; html: string } | null = null;
function sanitizedFooter(raw: string): string {
  if (lastFooter?.raw !== raw) lastFooter = { raw, html: sanitizeFooterHtml(raw).html };
  return lastFooter.html;
}

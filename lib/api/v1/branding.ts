import { z } from "zod";
import {
  draftStatus,
  draftStatusText,
  publishOperation,
  replaceDraftOperation,
} from "@/lib/branding/draft";
import { snapshotOf, type BrandingSnapshot } from "@/lib/branding/fields";
import { findAssetInfo, getDraft, latestPublished } from "@/lib/branding/queries";
import { draftBodySchema, publishSchema } from "@/lib/branding/schemas";
import { imageUrl } from "@/lib/branding/urls";
import { problem } from "@/lib/http/problem";
import { mutationEndpoint, readEndpoint, type ApiContext } from "../endpoint";

/**
 * /branding: the Customer Portal's branding as the Branding page shows it (the draft and the
 * published version), the draft's save (PUT, under the draft's version) and publishing. Staff
 * with branding:manage only, as the page; changing the custom JavaScript also needs
 * branding:custom-js, which the save itself enforces.
 */

const MANAGE = { permission: "branding:manage", audience: "staff" } as const;

const imageSchema = z
  .object({
    url: z.string(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
  })
  .meta({ id: "BrandingImage" });

const contentFields = {
  portalName: z.string(),
  primaryColor: z.string().describe("#rrggbb"),
  accentColor: z.string().describe("#rrggbb"),
  supportEmail: z.string().nullable(),
  footerHtml: z.string().describe("Sanitised on save and again when the portal renders it"),
  customCss: z.string(),
  customJs: z.string(),
  showBalance: z.boolean().describe("Portal sections: false hides it and its API reads"),
  showCdrs: z.boolean(),
  showBreakout: z.boolean(),
  showAuditLog: z.boolean(),
  showUsers: z.boolean(),
  showContact: z.boolean(),
  emailSenderName: z.string().nullable().describe("null: the platform's sender"),
  emailSenderAddress: z.string().nullable().describe("null: the platform's sender"),
  logo: imageSchema.nullable(),
  favicon: imageSchema.nullable(),
};

const brandingSchema = z
  .object({
    draft: z
      .object({ ...contentFields, version: z.number().int(), updatedAt: z.string() })
      .describe("What the next publish makes live; its version is the ETag"),
    published: z
      .object({ ...contentFields, versionNo: z.number().int(), publishedAt: z.string() })
      .nullable()
      .describe("What portal users see now; null before the first publish"),
    status: z.string().describe("The draft against the published version, as the page says it"),
  })
  .meta({ id: "Branding" });

type Branding = z.infer<typeof brandingSchema>;

async function contentOf(ctx: ApiContext, b: BrandingSnapshot) {
  const assets = await findAssetInfo(ctx.db, [b.logoAssetId, b.faviconAssetId]);
  const imageOf = (id: number | null) => {
    const asset = id === null ? undefined : assets.get(id);
    return asset
      ? { url: imageUrl(asset.sha256, asset.contentType), width: asset.width, height: asset.height }
      : null;
  };
  return {
    portalName: b.portalName,
    primaryColor: b.primaryColor,
    accentColor: b.accentColor,
    supportEmail: b.supportEmail,
    footerHtml: b.footerHtml,
    customCss: b.customCss,
    customJs: b.customJs,
    showBalance: b.showBalance,
    showCdrs: b.showCdrs,
    showBreakout: b.showBreakout,
    showAuditLog: b.showAuditLog,
    showUsers: b.showUsers,
    showContact: b.showContact,
    emailSenderName: b.emailSenderName,
    emailSenderAddress: b.emailSenderAddress,
    logo: imageOf(b.logoAssetId),
    favicon: imageOf(b.faviconAssetId),
  };
}

/** The draft and the published version, with the draft's version as the ETag. */
async function brandingReply(ctx: ApiContext) {
  const [draft, latest] = await Promise.all([getDraft(ctx.db), latestPublished(ctx.db)]);
  if (!draft) {
    return problem({ status: 404, detail: "The branding draft does not exist yet." });
  }
  const body: Branding = {
    draft: {
      ...(await contentOf(ctx, snapshotOf(draft))),
      version: draft.version,
      updatedAt: draft.updatedAt.toISOString(),
    },
    published: latest && {
      ...(await contentOf(ctx, snapshotOf(latest.snapshot))),
      versionNo: latest.versionNo,
      publishedAt: latest.publishedAt.toISOString(),
    },
    status: draftStatusText(draftStatus(snapshotOf(draft), latest)),
  };
  return { body, version: draft.version };
}

const getBrandingEndpoint = readEndpoint({
  path: "/branding",
  summary: "Get the portal branding",
  tag: "Branding",
  description: "The draft and the published version, as the Branding page shows them.",
  access: [MANAGE],
  response: brandingSchema,
  read: (ctx) => brandingReply(ctx),
});

const saveDraftEndpoint = mutationEndpoint({
  method: "PUT",
  path: "/branding",
  summary: "Replace the branding draft",
  tag: "Branding",
  description:
    "Every field as the draft should be (a field left out is cleared; a show* switch left out " +
    "is shown); the logo and favicon are " +
    "uploaded in the Control Panel. Changing customJs needs a role with branding:custom-js: send " +
    "it as read to leave it alone. Publish to make the draft live.",
  operation: replaceDraftOperation,
  body: draftBodySchema,
  response: brandingSchema,
  respond: (ctx) => brandingReply(ctx),
});

const publishEndpoint = mutationEndpoint({
  method: "POST",
  path: "/branding/publish",
  summary: "Publish the branding draft",
  tag: "Branding",
  description:
    "Makes the saved draft the next published version. `version` is the draft's version you " +
    "looked at (its ETag's number): publishing a draft changed since is refused (412).",
  operation: publishOperation,
  body: publishSchema,
  response: brandingSchema,
  respond: (ctx) => brandingReply(ctx),
});

export const brandingEndpoints = {
  get: getBrandingEndpoint,
  save: saveDraftEndpoint,
  publish: publishEndpoint,
};

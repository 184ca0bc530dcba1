/**
 * Setting and removing the branding draft's logo and favicon. An upload is stored once per
 * content hash (re-uploading an earlier image reuses its row) and then linked from the draft.
 */
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { brandingAssets, portalBranding } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, StaleRecordError } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { BRANDING_ID } from "./fields";
import { lockDraft } from "./queries";
import { kb, type BrandingImageKind } from "./image-limits";
import { checkBrandingImage, TYPE_LABELS, type CheckedImage } from "./images";
import { operation } from "@/lib/actions/operation";
import { removeImageSchema, uploadImageSchema } from "./schemas";

const FIELD = { logo: "logoAssetId", favicon: "faviconAssetId" } as const;

export type UploadResult = { assetId: number; sha256: string; sanitised: boolean };

/** What the messages say of an image: its type and size, never its bytes. */
type ImageFacts = Pick<CheckedImage, "contentType" | "width" | "height">;

const describe = (image: ImageFacts) =>
  `${TYPE_LABELS[image.contentType]}, ${image.width} × ${image.height} px`;

/** The CREATE branding_assets entry of a new upload. */
export const brandingAssetMessage = (
  kind: BrandingImageKind,
  id: number,
  image: ImageFacts & { sha256: string; byteLength: number; sanitised: boolean },
) =>
  `Uploaded branding ${kind} ${image.sha256.slice(0, 12)} (${id}): ` +
  `${describe(image)}, ${kb(image.byteLength)}` +
  (image.sanitised ? "; unsafe SVG content removed" : "");

/** The UPDATE portal_branding entry that puts an image on the draft. */
export const draftImageMessage = (
  kind: BrandingImageKind,
  portalName: string,
  image: ImageFacts,
  earlierUpload: boolean,
) =>
  earlierUpload
    ? `Set the ${kind} of portal branding ${portalName} to an earlier upload (${describe(image)})`
    : `Uploaded a new ${kind} for portal branding ${portalName} (${describe(image)})`;

/**
 * Checks the image (nothing is written when it is refused), stores it unless an identical one of
 * the same kind exists (CREATE branding_assets), and makes it the draft's logo or favicon
 * (UPDATE portal_branding), all in one transaction. A stale `expectedVersion` throws
 * StaleRecordError.
 */
export async function uploadBrandingImage(
  db: Db,
  actor: ActorContext,
  kind: BrandingImageKind,
  bytes: Uint8Array,
  expectedVersion?: number,
): Promise<UploadResult> {
  const image = checkBrandingImage(kind, bytes);
  const field = FIELD[kind];
  return db.transaction(async (tx) => {
    // Locked first, so two uploads of one file queue up and the second reuses the first's row.
    const draft = await lockDraft(tx);
    if (expectedVersion !== undefined && draft.version !== expectedVersion) {
      throw new StaleRecordError("portal_branding", draft);
    }
    const [existing] = await tx
      .select({ id: brandingAssets.id })
      .from(brandingAssets)
      .where(and(eq(brandingAssets.kind, kind), eq(brandingAssets.sha256, image.sha256)))
      .limit(1);
    const result = {
      assetId: existing?.id ?? (await createAsset(tx, actor, kind, image)),
      sha256: image.sha256,
      sanitised: image.sanitised,
    };
    // The draft shows this very image already (so it was found, not created): nothing to write.
    if (draft[field] === result.assetId) return result;

    await auditedMutation(tx, actor, {
      table: "portal_branding",
      action: "UPDATE",
      id: BRANDING_ID,
      expectedVersion,
      change: async (t) => {
        await t
          .update(portalBranding)
          .set({ [field]: result.assetId })
          .where(eq(portalBranding.id, BRANDING_ID));
      },
      message: (_before, after) => draftImageMessage(kind, after!.portalName, image, !!existing),
    });
    return result;
  });
}

async function createAsset(
  tx: Tx,
  actor: ActorContext,
  kind: BrandingImageKind,
  image: CheckedImage,
): Promise<number> {
  const { after } = await auditedMutation(tx, actor, {
    table: "branding_assets",
    action: "CREATE",
    change: async (t) => {
      const [row] = await t
        .insert(brandingAssets)
        .values({
          kind,
          contentType: image.contentType,
          sha256: image.sha256,
          // A Buffer view (no copy): postgres.js sends Buffers as bytea, PGlite any Uint8Array.
          bytes: Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength),
          width: image.width,
          height: image.height,
        })
        .returning({ id: brandingAssets.id });
      return row!.id;
    },
    message: (_before, after) =>
      brandingAssetMessage(kind, after!.id, { ...image, byteLength: image.bytes.byteLength }),
  });
  return after!.id;
}

/**
 * Takes the logo or favicon off the draft (UPDATE portal_branding). The image stays stored:
 * published versions may still show it.
 */
export async function removeBrandingImage(
  db: Db,
  actor: ActorContext,
  kind: BrandingImageKind,
  expectedVersion?: number,
): Promise<void> {
  const field = FIELD[kind];
  await auditedMutation(db, actor, {
    table: "portal_branding",
    action: "UPDATE",
    id: BRANDING_ID,
    expectedVersion,
    change: async (tx, before) => {
      if (before?.[field] == null) {
        throw new AppError(`The branding draft has no ${kind} to remove.`, "conflict");
      }
      await tx
        .update(portalBranding)
        .set({ [field]: null })
        .where(eq(portalBranding.id, BRANDING_ID));
    },
    message: (_before, after) => `Removed the ${kind} from portal branding ${after!.portalName}`,
  });
}

const IMAGE_NOUN = { logo: "Logo", favicon: "Favicon" } as const;

export const uploadImageOperation = operation({
  schema: uploadImageSchema,
  permission: "branding:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const bytes = new Uint8Array(await input.file.arrayBuffer());
    const { assetId, sanitised } = await uploadBrandingImage(db, actor, input.kind, bytes);
    const note = sanitised ? " Unsafe content was removed from the SVG." : "";
    return {
      data: { assetId },
      message: `${IMAGE_NOUN[input.kind]} uploaded to the draft.${note}`,
    };
  },
  revalidate: () => [{ layout: "/branding" }],
});

export const removeImageOperation = operation({
  schema: removeImageSchema,
  permission: "branding:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await removeBrandingImage(db, actor, input.kind);
    return { data: null, message: `${IMAGE_NOUN[input.kind]} removed from the draft.` };
  },
  revalidate: () => [{ layout: "/branding" }],
});

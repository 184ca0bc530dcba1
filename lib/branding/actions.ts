import type { z } from "zod";
import type { ActionConfig, ActionSpec } from "@/lib/actions/define-action";
import { can } from "@/lib/auth/permissions";
import {
  NOTHING_TO_SAVE_MESSAGE,
  publishDraft,
  restoreVersion,
  saveDraft,
  type CodePermissions,
} from "./draft";
import {
  describeBrandingFields,
  publishSchema,
  removeImageSchema,
  restoreVersionSchema,
  saveDraftSchema,
  uploadImageSchema,
} from "./schemas";
import { removeBrandingImage, uploadBrandingImage } from "./upload";

/**
 * Config and handler of each branding action, kept out of the "use server" file so tests run
 * them through runAction (role check included) without a request.
 */

const manage = <S extends z.ZodType>(schema: S): ActionConfig<S> => ({
  schema,
  permission: "branding:manage",
  audience: "staff",
});

/** Whether the editor may change the custom JavaScript, beyond branding:manage. */
const codeRights = (user: { role: string }): CodePermissions => ({
  editCustomJs: can(user.role, "branding:custom-js"),
});

const FOOTER_NOTE = " Unsafe markup was removed from the footer.";

/** `version` is the draft's version now, which the form submits next. */
export const saveDraftSpec: ActionSpec<typeof saveDraftSchema, { version: number }> = {
  config: manage(saveDraftSchema),
  handler: async (input, { db, actor, user }) => {
    const { changed, draft, footerSanitised } = await saveDraft(db, actor, input, codeRights(user));
    const note = footerSanitised ? FOOTER_NOTE : "";
    const message = changed.length === 0 ? NOTHING_TO_SAVE_MESSAGE : "Draft saved.";
    return { data: { version: draft.version }, message: message + note };
  },
};

export const publishSpec: ActionSpec<typeof publishSchema, { versionNo: number }> = {
  config: manage(publishSchema),
  handler: async (input, { db, actor }) => {
    const { versionNo, changed } = await publishDraft(db, actor, {
      expectedVersion: input.version,
    });
    const what = changed.length > 0 ? ` (${describeBrandingFields(changed)})` : "";
    return { data: { versionNo }, message: `Published portal branding v${versionNo}${what}.` };
  },
};

export const restoreVersionSpec: ActionSpec<typeof restoreVersionSchema, { version: number }> = {
  config: manage(restoreVersionSchema),
  handler: async (input, { db, actor, user }) => {
    const { versionNo, changed, draft } = await restoreVersion(
      db,
      actor,
      input.versionId,
      input.version,
      codeRights(user),
    );
    return {
      data: { version: draft.version },
      message: `Restored portal branding draft from v${versionNo} (${describeBrandingFields(changed)}). Publish to make it live.`,
    };
  },
};

const IMAGE_NOUN = { logo: "Logo", favicon: "Favicon" } as const;

export const uploadImageSpec: ActionSpec<typeof uploadImageSchema, { assetId: number }> = {
  config: manage(uploadImageSchema),
  handler: async (input, { db, actor }) => {
    const bytes = new Uint8Array(await input.file.arrayBuffer());
    const { assetId, sanitised } = await uploadBrandingImage(db, actor, input.kind, bytes);
    const note = sanitised ? " Unsafe content was removed from the SVG." : "";
    return {
      data: { assetId },
      message: `${IMAGE_NOUN[input.kind]} uploaded to the draft.${note}`,
    };
  },
};

export const removeImageSpec: ActionSpec<typeof removeImageSchema, null> = {
  config: manage(removeImageSchema),
  handler: async (input, { db, actor }) => {
    await removeBrandingImage(db, actor, input.kind);
    return { data: null, message: `${IMAGE_NOUN[input.kind]} removed from the draft.` };
  },
};

import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { brandingVersions, portalBranding } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, NO_CHANGE } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import {
  BRANDING_FIELDS,
  changedBrandingFields,
  snapshotOf,
  type BrandingField,
  type BrandingSnapshot,
  BRANDING_ID,
} from "./fields";
import { getVersion, latestPublished, lockDraft, type BrandingDraft } from "./queries";
import { sanitizeFooterHtml } from "./sanitize";
import {
  describeBrandingFields,
  DRAFT_FORM_FIELDS,
  publishSchema,
  replaceDraftSchema,
  restoreVersionSchema,
  saveDraftSchema,
  type ReplaceDraftInput,
  type SaveDraftInput,
} from "./schemas";
import { operation } from "@/lib/actions/operation";
import { can } from "@/lib/auth/permissions";
import { asStaleEdit, StaleEditError } from "@/lib/audit/stale-edit";

/**
 * The branding draft's life cycle: save (UPDATE of the single draft row), publish (a new
 * branding_versions row, PUBLISH) and restore an old version into the draft (UPDATE).
 */

export const DRAFT_CONFLICT_MESSAGE =
  "Someone else changed the highlighted fields since you opened this page, so nothing was saved. Copy your edits, reload the page to see theirs, and apply yours again.";
const CONFLICT_FIELD = "Changed by someone else since you opened the page.";
export const STALE_PUBLISH_MESSAGE =
  "The branding draft was changed since you opened this page. Check the latest draft, then publish again.";
export const NOTHING_TO_SAVE_MESSAGE = "Nothing to save: the draft is unchanged.";

type DraftPatch = Partial<Pick<BrandingDraft, BrandingField>>;

type SaveDraftResult = {
  /** Empty when the form matched the draft and nothing was written. */
  changed: BrandingField[];
  draft: BrandingDraft;
  /** The footer lost markup to sanitising (what was saved differs from what was typed). */
  footerSanitised: boolean;
};

/**
 * Saves the draft form as one UPDATE of the fields the editor changed, merged field by field
 * with what is stored now: a field left as it was loaded is not written (a colleague's newer
 * value for it stands); a field the editor changed that someone else also changed to something
 * else is a conflict, and nothing is written. Unchanged → nothing written.
 */
async function saveDraft(
  db: DbOrTx,
  actor: ActorContext,
  input: SaveDraftInput | ReplaceDraftInput,
  may: CodePermissions,
): Promise<SaveDraftResult> {
  const footer = sanitizeFooterHtml(input.edited.footerHtml);
  const edited = { ...input.edited, footerHtml: footer.html };
  const expectedVersion = "version" in input ? input.version : undefined;
  let changed: BrandingField[] = [];
  const save = auditedMutation(db, actor, {
    table: "portal_branding",
    action: "UPDATE",
    id: BRANDING_ID,
    expectedVersion,
    change: async (tx, before) => {
      const patch: DraftPatch = {};
      const conflicts: Record<string, string[]> = {};
      for (const field of DRAFT_FORM_FIELDS) {
        // Under a version check the stored draft is what the editor saw: it is the base.
        const base = "base" in input ? input.base[field] : before![field];
        const [mine, stored] = [edited[field], before![field]];
        if (mine === base || mine === stored) continue;
        // Decided per field, like the merge: only a change this editor makes is refused.
        if (field === "customJs" && !may.editCustomJs) throw customJsRefused();
        if (stored !== base) conflicts[field] = [CONFLICT_FIELD];
        else Object.assign(patch, { [field]: mine });
      }
      if (Object.keys(conflicts).length > 0) {
        throw new AppError(DRAFT_CONFLICT_MESSAGE, "conflict", conflicts);
      }
      changed = BRANDING_FIELDS.filter((f) => f in patch);
      if (changed.length === 0) return NO_CHANGE;
      await tx.update(portalBranding).set(patch).where(eq(portalBranding.id, BRANDING_ID));
    },
  });
  const { after } = await save.catch((err: unknown) => {
    throw asStaleEdit(err, STALE_SAVE_MESSAGE);
  });
  return { changed, draft: after!, footerSanitised: footer.removed };
}

const STALE_SAVE_MESSAGE =
  "The branding draft was changed since that version, so nothing was saved. Read it again, then apply your changes.";

/** What the editor's role allows beyond branding:manage (lib/auth/permissions.ts decides). */
export type CodePermissions = { editCustomJs: boolean };

export const CUSTOM_JS_REFUSED =
  "Your role cannot change the custom JavaScript: it runs in every portal user's browser. Ask an admin.";

const customJsRefused = () =>
  new AppError(CUSTOM_JS_REFUSED, "forbidden", { customJs: [CUSTOM_JS_REFUSED] });

/** "Published portal branding v3 (custom JavaScript, footer)"; the first version lists nothing. */
export const publishedBrandingMessage = (versionNo: number, changed: readonly BrandingField[]) =>
  `Published portal branding v${versionNo}` +
  (changed.length > 0 ? ` (${describeBrandingFields([...changed])})` : "");

export type PublishResult = { id: number; versionNo: number; changed: BrandingField[] };

/**
 * Publishes the draft as version max+1. The draft row is locked for the whole transaction, so
 * two publishers cannot both take the same number or publish a half-saved draft. Refused when
 * the draft equals the latest version (nothing written), or, given `expectedVersion`, when the
 * draft changed since the publisher looked at it.
 */
async function publishDraft(
  db: DbOrTx,
  actor: ActorContext,
  options: { expectedVersion?: number } = {},
): Promise<PublishResult> {
  let changed: BrandingField[] = [];
  const { after } = await auditedMutation(db, actor, {
    table: "branding_versions",
    action: "PUBLISH",
    change: async (tx) => {
      const draft = await lockDraft(tx);
      if (options.expectedVersion !== undefined && draft.version !== options.expectedVersion) {
        throw new StaleEditError(STALE_PUBLISH_MESSAGE, draft);
      }
      const latest = await latestPublished(tx);
      const snapshot = snapshotOf(draft);
      if (latest) {
        changed = changedBrandingFields(snapshotOf(latest.snapshot), snapshot);
        if (changed.length === 0) {
          throw new AppError(
            `Nothing to publish: the draft matches v${latest.versionNo}.`,
            "conflict",
          );
        }
      }
      const [row] = await tx
        .insert(brandingVersions)
        .values({
          brandingId: BRANDING_ID,
          versionNo: (latest?.versionNo ?? 0) + 1,
          snapshot,
          publishedByUserId: actor.userId,
        })
        .returning({ id: brandingVersions.id });
      return row!.id;
    },
    message: (_before, after) => publishedBrandingMessage(after!.versionNo, changed),
  });
  return { id: after!.id, versionNo: after!.versionNo, changed };
}

export type RestoreResult = { versionNo: number; changed: BrandingField[]; draft: BrandingDraft };

export const STALE_RESTORE_MESSAGE =
  "The branding draft was changed since you opened this page. Check the latest draft, then restore again.";

/**
 * Copies a published version's fields back into the draft (only those that differ). Refused when
 * the draft moved on from `expectedVersion`, so a colleague's newer edits are not replaced unseen.
 */
async function restoreVersion(
  db: DbOrTx,
  actor: ActorContext,
  versionId: number,
  expectedVersion: number,
  may: CodePermissions,
): Promise<RestoreResult> {
  const version = await getVersion(db, versionId);
  if (!version) throw new AppError("That branding version does not exist.", "not_found");
  const target = snapshotOf(version.snapshot);
  let changed: BrandingField[] = [];
  const restore = auditedMutation(db, actor, {
    table: "portal_branding",
    action: "UPDATE",
    id: BRANDING_ID,
    expectedVersion,
    change: async (tx, before) => {
      changed = changedBrandingFields(snapshotOf(before!), target);
      if (changed.length === 0) {
        throw new AppError(`The draft already matches v${version.versionNo}.`, "conflict");
      }
      // Restoring a version whose script differs would change the draft's script.
      if (changed.includes("customJs") && !may.editCustomJs) {
        throw new AppError(
          `v${version.versionNo} has different custom JavaScript from the draft, and your role cannot change it. Ask an admin to restore this version.`,
          "forbidden",
        );
      }
      const patch = Object.fromEntries(changed.map((f) => [f, target[f]])) as DraftPatch;
      await tx.update(portalBranding).set(patch).where(eq(portalBranding.id, BRANDING_ID));
    },
    message: () =>
      `Restored portal branding draft from v${version.versionNo} (${describeBrandingFields(changed)})`,
  });
  const { after } = await restore.catch((err: unknown) => {
    throw asStaleEdit(err, STALE_RESTORE_MESSAGE);
  });
  return { versionNo: version.versionNo, changed, draft: after! };
}

export type DraftStatus =
  | { kind: "unpublished" }
  | { kind: "matches"; versionNo: number }
  | { kind: "changed"; versionNo: number; fields: BrandingField[] };

/** How the draft stands against the published branding, for the page's status line. */
export function draftStatus(
  draft: BrandingSnapshot,
  latest: { versionNo: number; snapshot: Record<string, unknown> } | null,
): DraftStatus {
  if (!latest) return { kind: "unpublished" };
  const fields = changedBrandingFields(snapshotOf(latest.snapshot), draft);
  return fields.length === 0
    ? { kind: "matches", versionNo: latest.versionNo }
    : { kind: "changed", versionNo: latest.versionNo, fields };
}

export function draftStatusText(status: DraftStatus): string {
  switch (status.kind) {
    case "unpublished":
      return "Not published yet: the portal shows the default branding.";
    case "matches":
      return `Draft matches published v${status.versionNo}`;
    case "changed":
      return `Unpublished changes since v${status.versionNo}: ${describeBrandingFields(status.fields)}`;
  }
}

/** Whether the editor may change the custom JavaScript, beyond branding:manage. */
const codeRights = (user: { role: string }): CodePermissions => ({
  editCustomJs: can(user.role, "branding:custom-js"),
});

const FOOTER_NOTE = " Unsafe markup was removed from the footer.";

// The draft's status line, the versions list and the preview all show the change.
const BRANDING_PAGES = () => [{ layout: "/branding" }];

/** Saves either shape of the draft; `version` is the draft's version now. */
async function runSave(
  input: SaveDraftInput | ReplaceDraftInput,
  { db, actor, user }: { db: DbOrTx; actor: ActorContext; user: { role: string } },
) {
  const { changed, draft, footerSanitised } = await saveDraft(db, actor, input, codeRights(user));
  const note = footerSanitised ? FOOTER_NOTE : "";
  const message = changed.length === 0 ? NOTHING_TO_SAVE_MESSAGE : "Draft saved.";
  return { data: { version: draft.version }, message: message + note };
}

/** The form's save: merged field by field against the values the form was loaded with. */
export const saveDraftOperation = operation({
  schema: saveDraftSchema,
  permission: "branding:manage",
  audience: "staff",
  run: runSave,
  revalidate: BRANDING_PAGES,
});

/**
 * The REST API's PUT: the same save (fields, sanitising, the custom-JavaScript right, the audit
 * entry), under the draft's version instead of the form's per-field merge (If-Match: a stale
 * version is refused and nothing is written).
 */
export const replaceDraftOperation = operation({
  schema: replaceDraftSchema,
  permission: "branding:manage",
  audience: "staff",
  run: runSave,
  revalidate: BRANDING_PAGES,
});

export const publishOperation = operation({
  schema: publishSchema,
  permission: "branding:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const { versionNo, changed } = await publishDraft(db, actor, {
      expectedVersion: input.version,
    });
    const what = changed.length > 0 ? ` (${describeBrandingFields(changed)})` : "";
    return { data: { versionNo }, message: `Published portal branding v${versionNo}${what}.` };
  },
  revalidate: BRANDING_PAGES,
});

export const restoreVersionOperation = operation({
  schema: restoreVersionSchema,
  permission: "branding:manage",
  audience: "staff",
  run: async (input, { db, actor, user }) => {
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
  revalidate: BRANDING_PAGES,
});

"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { defineAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import {
  publishSpec,
  removeImageSpec,
  restoreVersionSpec,
  saveDraftSpec,
  uploadImageSpec,
} from "@/lib/branding/actions";
import { STALE_DRAFT_MESSAGE, STALE_PUBLISH_MESSAGE } from "@/lib/branding/draft";
import { draftFormValues, getDraft } from "@/lib/branding/queries";

/**
 * Thin server actions: the specs in lib/branding do the work (and are what the tests run); here
 * only revalidation and the stale-save reload, which need a request.
 */

const saveDraftInner = defineAction(saveDraftSpec.config, saveDraftSpec.handler);
const publishInner = defineAction(publishSpec.config, publishSpec.handler);
const restoreInner = defineAction(restoreVersionSpec.config, restoreVersionSpec.handler);
const uploadInner = defineAction(uploadImageSpec.config, uploadImageSpec.handler);
const removeInner = defineAction(removeImageSpec.config, removeImageSpec.handler);

function revalidateBranding() {
  revalidatePath("/branding", "layout");
}

export async function saveDraftAction(
  prev: ActionResult<{ version: number }>,
  formData: FormData,
): Promise<ActionResult<{ version: number }>> {
  const result = await saveDraftInner(prev, formData);
  if (result.status === "ok") revalidateBranding();
  if (result.status === "error" && result.error === STALE_DRAFT_MESSAGE) {
    // The role check already passed inside the action; reading the draft back is safe.
    const latest = await getDraft(await getDb());
    revalidateBranding();
    return latest ? { ...result, values: draftFormValues(latest) } : result;
  }
  return result;
}

export async function publishAction(
  prev: ActionResult<{ versionNo: number }>,
  formData: FormData,
): Promise<ActionResult<{ versionNo: number }>> {
  const result = await publishInner(prev, formData);
  // A stale publish re-renders the page so the status line shows what the draft now holds.
  if (
    result.status === "ok" ||
    (result.status === "error" && result.error === STALE_PUBLISH_MESSAGE)
  ) {
    revalidateBranding();
  }
  return result;
}

export async function restoreVersionAction(
  prev: ActionResult<{ version: number }>,
  formData: FormData,
): Promise<ActionResult<{ version: number }>> {
  const result = await restoreInner(prev, formData);
  if (result.status === "ok") revalidateBranding();
  return result;
}

export async function uploadImageAction(
  prev: ActionResult<{ assetId: number }>,
  formData: FormData,
): Promise<ActionResult<{ assetId: number }>> {
  const result = await uploadInner(prev, formData);
  if (result.status === "ok") revalidateBranding();
  return result;
}

export async function removeImageAction(
  prev: ActionResult<null>,
  formData: FormData,
): Promise<ActionResult<null>> {
  const result = await removeInner(prev, formData);
  if (result.status === "ok") revalidateBranding();
  return result;
}

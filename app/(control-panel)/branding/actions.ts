"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import {
  publishSpec,
  removeImageSpec,
  restoreVersionSpec,
  saveDraftSpec,
  uploadImageSpec,
} from "@/lib/branding/actions";
import { STALE_PUBLISH_MESSAGE, STALE_RESTORE_MESSAGE } from "@/lib/branding/draft";

/**
 * Thin server actions: the specs in lib/branding do the work (and are what the tests run); here
 * only revalidation, which needs a request.
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
  // A stale refusal too: the page then carries the draft's current version for the next try.
  if (
    result.status === "ok" ||
    (result.status === "error" && result.error === STALE_RESTORE_MESSAGE)
  ) {
    revalidateBranding();
  }
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

"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  publishOperation,
  restoreVersionOperation,
  saveDraftOperation,
} from "@/lib/branding/draft";
import { removeImageOperation, uploadImageOperation } from "@/lib/branding/upload";

export const saveDraftAction = formAction(saveDraftOperation);
export const publishAction = formAction(publishOperation);
export const restoreVersionAction = formAction(restoreVersionOperation);
export const uploadImageAction = formAction(uploadImageOperation);
export const removeImageAction = formAction(removeImageOperation);

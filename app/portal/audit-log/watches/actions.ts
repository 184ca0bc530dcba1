"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  createWatchOperation,
  deleteWatchOperation,
  updateWatchOperation,
} from "@/lib/watches/watches";

export const createPortalWatchAction = formAction(createWatchOperation);
export const updatePortalWatchAction = formAction(updateWatchOperation);
export const deletePortalWatchAction = formAction(deleteWatchOperation);

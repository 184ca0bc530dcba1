"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  createWatchOperation,
  deleteWatchOperation,
  updateWatchOperation,
} from "@/lib/watches/watches";

export const createWatchAction = formAction(createWatchOperation);
export const updateWatchAction = formAction(updateWatchOperation);
export const deleteWatchAction = formAction(deleteWatchOperation);

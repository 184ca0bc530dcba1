"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  clearUserColumnsOperation,
  setRoleColumnsOperation,
  setUserColumnsOperation,
} from "@/lib/visibility/set-column-permissions";

export const setRoleColumnsAction = formAction(setRoleColumnsOperation);
export const setUserColumnsAction = formAction(setUserColumnsOperation);
export const clearUserColumnsAction = formAction(clearUserColumnsOperation);

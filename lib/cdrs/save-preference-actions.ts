"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  saveBreakoutColumnsPreferenceOperation,
  saveCdrFieldsPreferenceOperation,
} from "./save-preference";

export const saveCdrFieldsPreferenceAction = formAction(saveCdrFieldsPreferenceOperation);
export const saveBreakoutColumnsPreferenceAction = formAction(
  saveBreakoutColumnsPreferenceOperation,
);

"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  enrolTotpOperation,
  regenerateRecoveryCodesOperation,
  removeTotpOperation,
} from "@/lib/totp/enrolment";

export const enrolTotpAction = formAction(enrolTotpOperation);
export const removeTotpAction = formAction(removeTotpOperation);
export const regenerateRecoveryCodesAction = formAction(regenerateRecoveryCodesOperation);

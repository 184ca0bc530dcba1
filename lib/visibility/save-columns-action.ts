"use server";

import { formAction } from "@/lib/actions/form-action";
import { saveAuditColumnsOperation } from "@/lib/visibility/save-preference";

export const saveAuditColumnsAction = formAction(saveAuditColumnsOperation);

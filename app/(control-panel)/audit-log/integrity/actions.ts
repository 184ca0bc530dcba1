"use server";

import { formAction } from "@/lib/actions/form-action";
import { verifyAuditLogOperation } from "@/lib/audit-integrity/verify-operation";

export const verifyAuditLogAction = formAction(verifyAuditLogOperation);

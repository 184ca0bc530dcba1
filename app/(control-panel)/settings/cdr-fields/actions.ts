"use server";

import { formAction } from "@/lib/actions/form-action";
import { clearAccountFieldsOperation } from "@/lib/cdrs/clear-account-fields";
import { clearColumnsOperation } from "@/lib/cdrs/clear-column-override";
import { setAccountFieldsOperation } from "@/lib/cdrs/set-account-fields";
import { setAudienceFieldsOperation } from "@/lib/cdrs/set-audience-fields";
import { setRoleColumnsOperation } from "@/lib/cdrs/set-role-columns";
import { setUserColumnsOperation } from "@/lib/cdrs/set-user-columns";

export const setAudienceFieldsAction = formAction(setAudienceFieldsOperation);
export const setAccountFieldsAction = formAction(setAccountFieldsOperation);
export const clearAccountFieldsAction = formAction(clearAccountFieldsOperation);
export const setRoleColumnsAction = formAction(setRoleColumnsOperation);
export const setUserColumnsAction = formAction(setUserColumnsOperation);
export const clearColumnsAction = formAction(clearColumnsOperation);

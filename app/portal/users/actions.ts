"use server";

import { formAction } from "@/lib/actions/form-action";
import { invitePortalUserOperation, setPortalUserStatusOperation } from "@/lib/portal/users";

export const invitePortalUserAction = formAction(invitePortalUserOperation);
export const setPortalUserStatusAction = formAction(setPortalUserStatusOperation);

"use server";

import { formAction } from "@/lib/actions/form-action";
import { changeRoleOperation } from "@/lib/users/change-role";
import { inviteUserOperation } from "@/lib/users/invite-user";
import { sendPasswordResetOperation } from "@/lib/users/send-password-reset";
import { setPortalAdminOperation } from "@/lib/users/set-portal-admin";
import { setUserStatusOperation } from "@/lib/users/set-user-status";
import { resetTotpOperation } from "@/lib/totp/reset";

export const inviteUserAction = formAction(inviteUserOperation);
export const changeRoleAction = formAction(changeRoleOperation);
export const setUserStatusAction = formAction(setUserStatusOperation);
export const sendPasswordResetAction = formAction(sendPasswordResetOperation);
export const setPortalAdminAction = formAction(setPortalAdminOperation);
export const resetTotpAction = formAction(resetTotpOperation);

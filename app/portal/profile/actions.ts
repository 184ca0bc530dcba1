"use server";

import { formAction } from "@/lib/actions/form-action";
import { updateProfileOperation } from "@/lib/portal/profile";
import { changePortalPasswordOperation } from "@/lib/users/change-password";

export const updateProfileAction = formAction(updateProfileOperation);
export const changePasswordAction = formAction(changePortalPasswordOperation);

"use server";

import { formAction } from "@/lib/actions/form-action";
import { updateSecuritySettingsOperation } from "@/lib/settings/update-security-settings";

export const updateSecuritySettingsAction = formAction(updateSecuritySettingsOperation);

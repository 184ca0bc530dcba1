"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  generatePortalApiKeyOperation,
  revokePortalApiKeyOperation,
} from "@/lib/api-keys/portal-keys";

export const generatePortalApiKeyAction = formAction(generatePortalApiKeyOperation);
export const revokePortalApiKeyAction = formAction(revokePortalApiKeyOperation);

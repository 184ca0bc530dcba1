"use server";

import { formAction } from "@/lib/actions/form-action";
import { generateApiKeyOperation, revokeApiKeyOperation } from "@/lib/api-keys/keys";

export const generateApiKeyAction = formAction(generateApiKeyOperation);
export const revokeApiKeyAction = formAction(revokeApiKeyOperation);

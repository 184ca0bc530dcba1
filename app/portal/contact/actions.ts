"use server";

import { formAction } from "@/lib/actions/form-action";
import { updateContactOperation } from "@/lib/portal/contact";

export const updateContactAction = formAction(updateContactOperation);

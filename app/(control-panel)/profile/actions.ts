"use server";

import { formAction } from "@/lib/actions/form-action";
import { changeOwnPasswordOperation } from "@/lib/users/change-password";

export const changeOwnPasswordAction = formAction(changeOwnPasswordOperation);

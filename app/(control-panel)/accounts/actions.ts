"use server";

import { createAccountOperation } from "@/lib/accounts/create-account";
import { deleteAccountOperation } from "@/lib/accounts/delete-account";
import { setAccountStatusOperation } from "@/lib/accounts/set-account-status";
import { updateAccountOperation } from "@/lib/accounts/update-account";
import { formAction } from "@/lib/actions/form-action";
import { restoreEntryOperation } from "@/lib/audit/restore";
import { createIngressOperation } from "@/lib/ingress/create-ingress-route";
import { deleteIngressOperation } from "@/lib/ingress/delete-ingress-route";
import { updateIngressOperation } from "@/lib/ingress/update-ingress-route";

export const createAccountAction = formAction(createAccountOperation);
export const updateAccountAction = formAction(updateAccountOperation);
export const setAccountStatusAction = formAction(setAccountStatusOperation);
export const deleteAccountAction = formAction(deleteAccountOperation);
export const restoreEntryAction = formAction(restoreEntryOperation);
export const createIngressAction = formAction(createIngressOperation);
export const updateIngressAction = formAction(updateIngressOperation);
export const deleteIngressAction = formAction(deleteIngressOperation);

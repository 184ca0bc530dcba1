"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import {
  createAccountDef,
  deleteAccountDef,
  restoreEntryDef,
  setAccountStatusDef,
  updateAccountDef,
  withLatestValues,
  type SavedRecord,
} from "@/lib/accounts/actions";
import { STALE_ACCOUNT_MESSAGE, STALE_INGRESS_MESSAGE } from "@/lib/accounts/errors";
import { accountFormValues, findAccount, findIngressRoute } from "@/lib/accounts/queries";
import { defineAction } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import {
  createIngressDef,
  deleteIngressDef,
  updateIngressDef,
  type SavedIngress,
} from "@/lib/ingress/actions";
import { ingressFormValues } from "@/lib/ingress/ingress-routes";

/**
 * Thin server actions: the defs in lib/ do the work (and are what the tests run). Redirects and
 * revalidation happen here, outside runAction, whose catch-all would swallow NEXT_REDIRECT.
 */

const createAccountInner = defineAction(createAccountDef.config, createAccountDef.handler);
const updateAccountInner = defineAction(updateAccountDef.config, updateAccountDef.handler);
const setStatusInner = defineAction(setAccountStatusDef.config, setAccountStatusDef.handler);
const deleteAccountInner = defineAction(deleteAccountDef.config, deleteAccountDef.handler);
const restoreInner = defineAction(restoreEntryDef.config, restoreEntryDef.handler);
const createIngressInner = defineAction(createIngressDef.config, createIngressDef.handler);
const updateIngressInner = defineAction(updateIngressDef.config, updateIngressDef.handler);
const deleteIngressInner = defineAction(deleteIngressDef.config, deleteIngressDef.handler);

const idOf = (formData: FormData, key = "id") => Number(formData.get(key));

export async function createAccountAction(
  prev: ActionResult<{ id: number }>,
  formData: FormData,
): Promise<ActionResult<{ id: number }>> {
  const result = await createAccountInner(prev, formData);
  if (result.status === "ok") {
    revalidatePath("/accounts");
    redirect(`/accounts/${result.data.id}`);
  }
  return result;
}

export async function updateAccountAction(
  prev: ActionResult<SavedRecord>,
  formData: FormData,
): Promise<ActionResult<SavedRecord>> {
  const result = await updateAccountInner(prev, formData);
  if (result.status === "ok") revalidatePath(`/accounts/${result.data.id}`);
  if (result.status === "error" && result.error === STALE_ACCOUNT_MESSAGE) {
    // The role check already passed inside the action; reading the row back is safe.
    const latest = await findAccount(await getDb(), idOf(formData));
    return withLatestValues(result, latest && accountFormValues(latest));
  }
  return result;
}

export async function setAccountStatusAction(
  prev: ActionResult<SavedRecord>,
  formData: FormData,
): Promise<ActionResult<SavedRecord>> {
  const result = await setStatusInner(prev, formData);
  if (result.status === "ok") revalidatePath(`/accounts/${result.data.id}`);
  return result;
}

export async function deleteAccountAction(
  prev: ActionResult<{ id: number }>,
  formData: FormData,
): Promise<ActionResult<{ id: number }>> {
  const result = await deleteAccountInner(prev, formData);
  if (result.status === "ok") {
    revalidatePath("/accounts");
    redirect("/accounts");
  }
  return result;
}

export async function restoreEntryAction(
  prev: ActionResult<{ auditId: number }>,
  formData: FormData,
): Promise<ActionResult<{ auditId: number }>> {
  const result = await restoreInner(prev, formData);
  if (result.status === "ok") revalidatePath("/accounts", "layout");
  return result;
}

export async function createIngressAction(
  prev: ActionResult<SavedIngress>,
  formData: FormData,
): Promise<ActionResult<SavedIngress>> {
  const result = await createIngressInner(prev, formData);
  if (result.status === "ok") revalidatePath(`/accounts/${result.data.accountId}`);
  return result;
}

export async function updateIngressAction(
  prev: ActionResult<SavedIngress>,
  formData: FormData,
): Promise<ActionResult<SavedIngress>> {
  const result = await updateIngressInner(prev, formData);
  if (result.status === "ok") revalidatePath(`/accounts/${result.data.accountId}`, "layout");
  if (result.status === "error" && result.error === STALE_INGRESS_MESSAGE) {
    const latest = await findIngressRoute(await getDb(), idOf(formData));
    return withLatestValues(result, latest && ingressFormValues(latest));
  }
  return result;
}

export async function deleteIngressAction(
  prev: ActionResult<{ id: number; accountId: number }>,
  formData: FormData,
): Promise<ActionResult<{ id: number; accountId: number }>> {
  const result = await deleteIngressInner(prev, formData);
  if (result.status === "ok") {
    revalidatePath(`/accounts/${result.data.accountId}`);
    redirect(`/accounts/${result.data.accountId}?tab=ingress`);
  }
  return result;
}

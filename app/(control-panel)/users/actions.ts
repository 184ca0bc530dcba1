"use server";

import { refresh, revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import {
  changeRoleSpec,
  inviteUserSpec,
  passwordResetSpec,
  setPortalAdminSpec,
  setStatusSpec,
} from "@/lib/users/actions";
import { requestBaseUrl } from "@/lib/users/base-url";

type FormAction = (prev: ActionResult<number>, formData: FormData) => Promise<ActionResult<number>>;

const invite = inviteUserSpec(requestBaseUrl);
const reset = passwordResetSpec(requestBaseUrl);
const run = {
  invite: defineAction(invite.config, invite.handler),
  role: defineAction(changeRoleSpec.config, changeRoleSpec.handler),
  status: defineAction(setStatusSpec.config, setStatusSpec.handler),
  reset: defineAction(reset.config, reset.handler),
  portalAdmin: defineAction(setPortalAdminSpec.config, setPortalAdminSpec.handler),
};

/** After a change the list and the user's page show it (and the outbox the new email). */
async function refreshing(
  action: FormAction,
  prev: ActionResult<number>,
  formData: FormData,
): Promise<ActionResult<number>> {
  const result = await action(prev, formData);
  if (result.status === "ok") {
    revalidatePath("/users");
    revalidatePath(`/users/${result.data}`);
    revalidatePath("/outbox");
    // Re-renders the page the form is on, so its list shows the change at once.
    refresh();
  }
  return result;
}

export async function inviteUserAction(prev: ActionResult<number>, formData: FormData) {
  return refreshing(run.invite, prev, formData);
}
export async function changeRoleAction(prev: ActionResult<number>, formData: FormData) {
  return refreshing(run.role, prev, formData);
}
export async function setUserStatusAction(prev: ActionResult<number>, formData: FormData) {
  return refreshing(run.status, prev, formData);
}
export async function sendPasswordResetAction(prev: ActionResult<number>, formData: FormData) {
  return refreshing(run.reset, prev, formData);
}
export async function setPortalAdminAction(prev: ActionResult<number>, formData: FormData) {
  return refreshing(run.portalAdmin, prev, formData);
}

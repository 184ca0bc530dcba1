"use server";

import { refresh, revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { invitePortalUserSpec, setPortalUserStatusSpec } from "@/lib/portal/actions";
import { requestBaseUrl } from "@/lib/users/base-url";

const invite = invitePortalUserSpec(requestBaseUrl);
const run = {
  invite: defineAction(invite.config, invite.handler),
  status: defineAction(setPortalUserStatusSpec.config, setPortalUserStatusSpec.handler),
};

function refreshed(result: ActionResult<number>): ActionResult<number> {
  if (result.status === "ok") {
    revalidatePath("/portal/users");
    revalidatePath(`/portal/users/${result.data}`);
    // Re-renders the page the form is on, so its list shows the change at once.
    refresh();
  }
  return result;
}

export async function invitePortalUserAction(prev: ActionResult<number>, formData: FormData) {
  return refreshed(await run.invite(prev, formData));
}

export async function setPortalUserStatusAction(prev: ActionResult<number>, formData: FormData) {
  return refreshed(await run.status(prev, formData));
}

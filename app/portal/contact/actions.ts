"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { withLatestValues } from "@/lib/accounts/actions";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getCurrentUser } from "@/lib/auth/session";
import { updateContactSpec } from "@/lib/portal/actions";
import { contactFormValues, findContact, STALE_CONTACT_MESSAGE } from "@/lib/portal/contact";

const run = defineAction(updateContactSpec.config, updateContactSpec.handler);

type Saved = { version: number };

export async function updateContactAction(
  prev: ActionResult<Saved>,
  formData: FormData,
): Promise<ActionResult<Saved>> {
  const result = await run(prev, formData);
  if (result.status === "ok") revalidatePath("/portal/contact");
  if (result.status === "error" && result.error === STALE_CONTACT_MESSAGE) {
    // Reached only past the action's checks; still read the signed-in user's own account.
    const user = await getCurrentUser();
    const latest = user?.accountId ? await findContact(await getDb(), user.accountId) : null;
    return withLatestValues(result, latest && contactFormValues(latest));
  }
  return result;
}

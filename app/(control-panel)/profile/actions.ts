"use server";

import { revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getCurrentUser } from "@/lib/auth/session";
import { signInAgain } from "@/lib/auth/sign-in-again";
import { changeOwnPasswordSpec } from "@/lib/profile/actions";

const run = defineAction(changeOwnPasswordSpec.config, changeOwnPasswordSpec.handler);

export async function changeOwnPasswordAction(prev: ActionResult<number>, formData: FormData) {
  const user = await getCurrentUser();
  const result = await run(prev, formData);
  const password = formData.get("newPassword");
  // Every session ended with the change, this one too: carry on in a new one.
  if (result.status === "ok" && user && typeof password === "string") {
    await signInAgain(user.email, password);
    revalidatePath("/profile");
  }
  return result;
}

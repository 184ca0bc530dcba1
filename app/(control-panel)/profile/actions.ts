"use server";

import { redirect } from "next/navigation";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getCurrentUser } from "@/lib/auth/session";
import { signInAgain } from "@/lib/auth/sign-in-again";
import { changeOwnPasswordSpec } from "@/lib/profile/actions";

const run = defineAction(changeOwnPasswordSpec.config, changeOwnPasswordSpec.handler);

export async function changeOwnPasswordAction(prev: ActionResult<number>, formData: FormData) {
  const user = await getCurrentUser();
  const result = await run(prev, formData);
  const password = formData.get("newPassword");
  // Every session ended with the change, this one too: carry on in a new one. Then a fresh
  // request, since this one's render would still see the old, ended session's cookie.
  if (result.status === "ok" && user && typeof password === "string") {
    await signInAgain(user.email, password);
    redirect("/profile?notice=password-changed");
  }
  return result;
}

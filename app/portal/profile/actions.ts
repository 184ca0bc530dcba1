"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getCurrentUser } from "@/lib/auth/session";
import { signInAgain } from "@/lib/auth/sign-in-again";
import { changePasswordSpec, updateProfileSpec } from "@/lib/portal/actions";

const run = {
  profile: defineAction(updateProfileSpec.config, updateProfileSpec.handler),
  password: defineAction(changePasswordSpec.config, changePasswordSpec.handler),
};

export async function updateProfileAction(prev: ActionResult<number>, formData: FormData) {
  const result = await run.profile(prev, formData);
  // The top bar shows the name and every portal page the time zone.
  if (result.status === "ok") revalidatePath("/portal", "layout");
  return result;
}

export async function changePasswordAction(prev: ActionResult<number>, formData: FormData) {
  const user = await getCurrentUser();
  const result = await run.password(prev, formData);
  const password = formData.get("newPassword");
  // Every session ended with the change, this one too: carry on in a new one. Then a fresh
  // request, since this one's render would still see the old, ended session's cookie.
  if (result.status === "ok" && user && typeof password === "string") {
    await signInAgain(user.email, password);
    redirect("/portal/profile?notice=password-changed");
  }
  return result;
}

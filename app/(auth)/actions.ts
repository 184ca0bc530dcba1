"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { auth, signOut } from "@/lib/auth/auth";
import { endSession } from "@/lib/auth/user-sessions";
import { signOutOtherSessionsSpec } from "@/lib/profile/actions";

export async function signOutAction(): Promise<void> {
  // Ended here, where a database failure shows, rather than only in the signOut event, whose
  // errors Auth.js logs and swallows while it clears the cookie (leaving its copies working).
  const session = await auth();
  if (session?.sessionId) await endSession(await getDb(), session.sessionId, "signed_out");
  await signOut({ redirectTo: "/login" });
}

const signOutOthers = defineAction(
  signOutOtherSessionsSpec.config,
  signOutOtherSessionsSpec.handler,
);

/** "Sign out other sessions" on both apps' profile pages. */
export async function signOutOtherSessionsAction(
  prev: ActionResult<number>,
  formData: FormData,
): Promise<ActionResult<number>> {
  const result = await signOutOthers(prev, formData);
  if (result.status === "ok") {
    revalidatePath("/profile");
    revalidatePath("/portal/profile");
  }
  return result;
}

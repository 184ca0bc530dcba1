"use server";

import { getDb } from "@/db/client";
import { formAction } from "@/lib/actions/form-action";
import { auth, signOut } from "@/lib/auth/auth";
import { endSession } from "@/lib/auth/user-sessions";
import { signOutOtherSessionsOperation } from "@/lib/profile/sign-out-other-sessions";

export async function signOutAction(): Promise<void> {
  // Ended here, where a database failure shows, rather than only in the signOut event, whose
  // errors Auth.js logs and swallows while it clears the cookie (leaving its copies working).
  const session = await auth();
  if (session?.sessionId) await endSession(await getDb(), session.sessionId, "signed_out");
  await signOut({ redirectTo: "/login" });
}

/** "Sign out other sessions" on both apps' profile pages. */
export const signOutOtherSessionsAction = formAction(signOutOtherSessionsOperation);

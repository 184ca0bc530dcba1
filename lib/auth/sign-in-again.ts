import { AuthError } from "next-auth";
import { signIn } from "./auth";

/**
 * After changing their password ended every session of theirs, the browser that made the change
 * signs in again with the new password: a new session (and its LOGIN entry) replaces the old
 * one, so a copy of the old cookie is dead while the user carries on. If that sign-in is refused
 * (throttled, say), they are simply signed out and meet the sign-in page on their next click.
 */
export async function signInAgain(email: string, password: string): Promise<boolean> {
  try {
    await signIn("credentials", { email, password, redirect: false });
    return true;
  } catch (err) {
    if (err instanceof AuthError) return false;
    throw err;
  }
}
